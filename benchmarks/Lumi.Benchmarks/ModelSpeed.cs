using System.Diagnostics;
using System.Text.Json;
using Lumi.Models.Checkpoints;
using Lumi.Models.FasterRcnn;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Benchmarks;

/// <summary>
/// Lumi's side of the R50-FPN speed comparison (benchmarks/model_speed.sh): the weights and input that
/// model_speed.py wrote, the eval forward pass and one SGD training step, median of N, 2 threads.
/// </summary>
public static class ModelSpeed
{
    public static int Run(string[] args)
    {
        string dir = args[0];
        int repeats = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5;
        string mode = args.Length > 2 ? args[2] : "forward";
        torch.set_num_threads(2);
        var weights = SafeTensors.Read(Path.Combine(dir, "weights.safetensors"));
        var input = SafeTensors.Read(Path.Combine(dir, "input.safetensors"));
        var options = new FasterRcnnOptions
        {
            NumClasses = 90,
            Backbone = new BackboneOptions { Name = "resnet50", FrozenBatchNorm = true, BatchNormEps = 0, TrainableLayers = 3 },
        };
        var model = new FasterRcnn(options);
        StateDictLoader.Load(model, weights);
        var image = input["image"].unsqueeze(0);
        var sizes = new[] { (image.shape[2], image.shape[3]) };
        var boxes = new[] { input["boxes"] };
        var labels = new[] { input["labels"] };

        string resultPath = Path.Combine(dir, "lumi.json");
        var result = File.Exists(resultPath)
            ? JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(resultPath))!
            : new Dictionary<string, double>();
        result["threads"] = torch.get_num_threads();
        if (mode == "forward")
        {
            model.eval();
            result["forward_s"] = Timed(repeats, () =>
            {
                using var scope = NewDisposeScope();
                model.Detect(image, sizes);
            });
        }
        else
        {
            model.train();
            var optimizer = optim.SGD(model.parameters().Where(p => p.requires_grad), 0.001, momentum: 0.9);
            result["train_step_s"] = Timed(repeats, () =>
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var losses = model.ComputeLosses(image, sizes, boxes, labels);
                losses.Values.Aggregate((a, b) => a + b).backward();
                optimizer.step();
            });
        }
        string json = JsonSerializer.Serialize(result);
        File.WriteAllText(resultPath, json);
        Console.WriteLine(json);
        return 0;
    }

    private static double Timed(int repeats, Action action)
    {
        action(); // warm-up
        var times = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            times.Add(sw.Elapsed.TotalSeconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
