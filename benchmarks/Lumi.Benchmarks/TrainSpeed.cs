using System.Diagnostics;
using System.Globalization;
using Lumi.Data;
using Lumi.Data.Augmentation;
using Lumi.Data.Imaging;
using Lumi.Data.Synthetic;
using Lumi.Data.Training;
using Lumi.Data.Voc;
using Lumi.Models.FasterRcnn;
using Lumi.Models.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Benchmarks;

/// <summary>
/// The training data pipeline against preloaded batches (<c>train-speed [STEPS] [IMAGES]</c>): the same tiny R18-FPN
/// (configs/tiny's sizes, 320-px synthetic images, batch 8) trained for STEPS steps fed (a) by
/// <see cref="TrainingLoader"/> — decode, augment and pack on worker threads while the model trains — and (b) from
/// batches prepared beforehand and held in memory; then decode+augment+pack throughput on one thread.
/// </summary>
public static class TrainSpeed
{
    public static int Run(string[] args)
    {
        int steps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
        int count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 160;
        const int batchSize = 8;
        torch.set_num_threads(Environment.ProcessorCount);
        string root = Path.Combine(Path.GetTempPath(), $"lumi-train-speed-{Environment.ProcessId}");
        SyntheticVoc.Write(root, new SyntheticVocOptions { Images = count, Seed = 1, TrainFraction = 1, ValFraction = 0 });
        try
        {
            var voc = VocDataset.Load(new VocReadOptions { Roots = [root], Split = "train" });
            var images = TrainingSet.ForTraining(voc, "ignore", out _);
            var pipeline = AugmentationPipeline.Create(new AugmentationOptions { HorizontalFlip = new FlipOptions { Probability = 0.5 } }, new ResizeRule(320, 320));
            var loader = new TrainingLoader(images, pipeline, new TrainingLoaderOptions { BatchSize = batchSize, Workers = 1, Prefetch = 4, Seed = 1 });

            // Decode + augment + pack on the calling thread: images per second per core.
            int[][] plan = loader.Plan(0);
            var clock = Stopwatch.StartNew();
            var preloaded = new List<TrainingBatch>();
            for (int k = 0; k < plan.Length; k++) preloaded.Add(loader.Prepare(0, k, plan[k]));
            double perCore = images.Count / clock.Elapsed.TotalSeconds;

            var options = new FasterRcnnOptions
            {
                NumClasses = voc.Classes.Count,
                Transform = new TransformOptions { MinSize = 320, MaxSize = 320 },
                Backbone = new BackboneOptions { Name = "resnet18", FrozenBatchNorm = false, TrainableLayers = 5, FpnChannels = 96 },
                Rpn = new RpnOptions { AnchorSizes = [16, 32, 64, 128, 256], PreNmsTopN = new(600, 300), PostNmsTopN = new(300, 300), BatchSizePerImage = 128 },
                RoiHeads = new RoiHeadsOptions { RepresentationSize = 256, BatchSizePerImage = 128 },
            };
            double Train(IEnumerable<TrainingBatch> batches)
            {
                manual_seed(1);
                using var model = new FasterRcnn(options);
                model.train();
                using var optimizer = OptimizerFactory.Create(model, new TrainOptions { LearningRate = 0.01, ReferenceBatchSize = 8, BatchSize = 8 });
                var timer = new Stopwatch();
                long seen = 0;
                int done = 0;
                foreach (TrainingBatch batch in batches)
                {
                    if (done == 1) timer.Start(); // the first step warms up
                    using var scope = NewDisposeScope();
                    var packed = batch.Images!;
                    var x = tensor(packed.Data, packed.Shape);
                    var boxes = batch.Boxes.Select(b => tensor(b, new long[] { b.Length / 4, 4 })).ToList();
                    var labels = batch.Labels.Select(l => tensor(l.Select(v => (long)v).ToArray())).ToList();
                    optimizer.zero_grad();
                    var losses = model.ComputeLosses(x, packed.Sizes.Select(s => ((long)s.Height, (long)s.Width)).ToList(), boxes, labels);
                    losses.Values.Aggregate((a, b) => a + b).backward();
                    optimizer.step();
                    if (done >= 1) seen += batch.Count;
                    if (++done > steps) break;
                }
                return seen / timer.Elapsed.TotalSeconds;
            }
            IEnumerable<TrainingBatch> Cycle(IEnumerable<TrainingBatch> source) { while (true) foreach (var b in source) yield return b; }
            IEnumerable<TrainingBatch> Real() { for (int epoch = 0; ; epoch++) foreach (var b in loader.Read(epoch, loader.Plan(epoch))) yield return b; }

            double fromMemory = Train(Cycle(preloaded));
            double real = Train(Real());
            double fromMemory2 = Train(Cycle(preloaded));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"decode+augment+pack, 1 thread: {perCore:F1} images/s per core ({images.Count} images of 320x320)\n" +
                $"training, preloaded batches: {fromMemory:F2} images/s (again after the real run: {fromMemory2:F2})\n" +
                $"training, real pipeline (1 loader thread, prefetch 4): {real:F2} images/s\n" +
                $"ratio real / preloaded (mean of both preloaded runs): {real / ((fromMemory + fromMemory2) / 2):F3}"));
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
