using System.Diagnostics;
using Lumi.Models.Ops;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Lumi.Models.Tests.FasterRcnn;

/// <summary>The model learns (an overfitting run on a few images) and does not leak per step.</summary>
[Collection(TorchCollection.Name)]
public sealed class TrainingTests(ITestOutputHelper output)
{
    [Fact]
    public void OverfitsAFewImagesAndDetectsTheirObjects()
    {
        manual_seed(1);
        var (images, boxes, labels) = TinyDetectionData.Make(count: 4, size: 128, seed: 7);
        var sizes = Enumerable.Repeat((128L, 128L), 4).ToList();
        var model = new Lumi.Models.FasterRcnn.FasterRcnn(TinyDetectionData.TinyOptions);
        model.train();
        var optimizer = optim.Adam(model.parameters().Where(p => p.requires_grad), 5e-4);

        double first = 0, last = 0;
        const int steps = 60;
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var losses = model.ComputeLosses(images, sizes, boxes, labels);
            var total = losses.Values.Aggregate((a, b) => a + b);
            total.backward();
            optimizer.step();
            double value = total.item<float>();
            if (step == 0) first = value;
            if (step >= steps - 5) last += value / 5;
            if (step % 10 == 0 || step == steps - 1)
                output.WriteLine($"step {step}: {string.Join(", ", losses.Select(kv => $"{kv.Key}={kv.Value.item<float>():F4}"))}");
        }
        output.WriteLine($"loss {first:F4} → {last:F4}");
        Assert.True(last < 0.3 * first, $"the loss went from {first:F4} to {last:F4}; expected below 30% of the start");

        model.eval();
        var detections = model.Detect(images, sizes);
        int found = 0, objects = 0;
        for (int i = 0; i < 4; i++)
        {
            var d = detections[i];
            var iou = d.Boxes.shape[0] == 0 ? null : Boxes.BoxIou(boxes[i], d.Boxes);
            for (int k = 0; k < boxes[i].shape[0]; k++)
            {
                objects++;
                if (iou is null) continue;
                var hit = iou[k].ge(0.5).logical_and(d.Labels.eq(labels[i][k])).logical_and(d.Scores.ge(0.5));
                if (hit.any().item<bool>()) found++;
            }
        }
        output.WriteLine($"found {found} of {objects} objects");
        Assert.True(found == objects, $"found {found} of {objects} objects with IoU ≥ 0.5, the right label and score ≥ 0.5");
    }

    [Fact]
    public void TrainingStepsDoNotLeakTensorsOrNativeMemory()
    {
        manual_seed(2);
        var (images, boxes, labels) = TinyDetectionData.Make(count: 2, size: 96, seed: 3);
        var sizes = Enumerable.Repeat((96L, 96L), 2).ToList();
        var model = new Lumi.Models.FasterRcnn.FasterRcnn(TinyDetectionData.TinyOptions);
        model.train();
        var optimizer = optim.SGD(model.parameters().Where(p => p.requires_grad), 0.005, momentum: 0.9);
        var live = new List<long>();
        var rss = new List<long>();
        for (int step = 0; step < 40; step++)
        {
            using (var scope = NewDisposeScope())
            {
                optimizer.zero_grad();
                var losses = model.ComputeLosses(images, sizes, boxes, labels);
                losses.Values.Aggregate((a, b) => a + b).backward();
                optimizer.step();
            }
            live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            using var process = Process.GetCurrentProcess();
            rss.Add(process.WorkingSet64);
        }
        output.WriteLine($"live tensors: {string.Join(" ", live)}");
        output.WriteLine($"RSS MiB: {string.Join(" ", rss.Select(r => r >> 20))}");
        // After the optimizer's state exists (step 2 on), the count of live tensors must not move.
        Assert.All(live.Skip(2), n => Assert.Equal(live[2], n));
        long growth = rss[^1] - rss[10];
        Assert.True(growth < 48L << 20, $"resident memory grew {growth >> 20} MiB between step 10 and step 40");
    }
}
