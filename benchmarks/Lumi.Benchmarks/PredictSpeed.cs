using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Lumi.Data.Imaging;
using Lumi.Inference;
using Lumi.Models.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Benchmarks;

/// <summary>
/// Lumi's in-process side of the prediction speed comparison (benchmarks/predict_speed.sh): the images of a folder
/// decoded and resized beforehand, then, one image per call with 2 threads, (a) the exported graph in ONNX Runtime
/// alone — the ceiling for <c>lumi predict</c> — and (b) TorchSharp eager inference on the same checkpoint's weights.
/// Usage: <c>predict-speed DIR</c> with DIR/images, DIR/ckpt and DIR/model.onnx; writes DIR/lumi.json.
/// </summary>
public static class PredictSpeed
{
    public const float MinProb = 0.5f;

    public static int Run(string[] args)
    {
        string dir = args[0];
        string[] files = Directory.GetFiles(Path.Combine(dir, "images"), "*.jpg").Order(StringComparer.Ordinal).ToArray();
        var result = new Dictionary<string, double> { ["images"] = files.Length };

        using (var detector = Detector.Load(Path.Combine(dir, "model.onnx"), new DetectorOptions { IntraOpThreads = 2 }))
        {
            var decoder = new ImageDecoder();
            var originals = files.Select(f => decoder.Decode(f)).ToArray();
            var resized = originals.Select(o => detector.ResizeForGraph(o)).ToArray();
            var overrides = new DetectionOverrides { ScoreThreshold = MinProb };
            result["onnx_images_per_s"] = ImagesPerSecond(files.Length, i =>
                detector.PredictResized([resized[i]], [(originals[i].Width, originals[i].Height)], overrides));

            torch.set_num_threads(2);
            using var resolved = CheckpointLocator.Locate(Path.Combine(dir, "ckpt"));
            using var loaded = CheckpointReader.Read(resolved.Folder);
            using var model = Lumi.Models.FasterRcnn.FasterRcnn.FromCheckpoint(loaded);
            model.eval();
            model.RoiHeads.ScoreThreshold = MinProb;
            result["torchsharp_images_per_s"] = ImagesPerSecond(files.Length, i =>
            {
                using var scope = NewDisposeScope();
                using var no = no_grad();
                PaddedBatch batch = Lumi.Data.Imaging.Padding.Pack([resized[i]], detector.Metadata.SizeDivisible);
                var input = tensor(batch.Data[..batch.Length], batch.Shape);
                model.Detect(input, [((long)resized[i].Height, (long)resized[i].Width)]);
            });
        }
        string json = JsonSerializer.Serialize(result);
        File.WriteAllText(Path.Combine(dir, "lumi.json"), json);
        Console.WriteLine(json);
        return 0;
    }

    /// <summary>One warm-up call on image 0, then every image once: images per second.</summary>
    private static double ImagesPerSecond(int count, Action<int> predict)
    {
        predict(0);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++) predict(i);
        double seconds = clock.Elapsed.TotalSeconds;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} images in {seconds:F2} s"));
        return count / seconds;
    }
}
