using Lumi.Models.Ops;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Lumi.Models.Tests.FasterRcnn;

/// <summary>
/// Float32 against torchvision: detections compared as matched sets (same label, IoU ≥ 0.99,
/// |Δscore| ≤ 1e-3), leaving out detections whose score lies within 1e-3 of a threshold
/// (the score threshold, or the last score kept when an image is capped at 100); ≥ 98% must match.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class Float32ParityTests(ITestOutputHelper output)
{
    private const double ScoreSlack = 1e-3;

    [Fact]
    public void DetectionsMatchTorchvisionAsSets()
    {
        using var scope = NewDisposeScope();
        var c = TorchvisionCase.Load("r18_frozen_f32");
        var model = c.CreateModel();
        var detections = model.Detect(c.Batch(), c.ImageSizes);
        int total = 0, matched = 0, reverseTotal = 0, reverseMatched = 0;
        for (int i = 0; i < c.NumImages; i++)
        {
            var refBoxes = c.Io[$"det_boxes_{i}"];
            var refScores = c.Io[$"det_scores_{i}"];
            var refLabels = c.Io[$"det_labels_{i}"];
            var d = detections[i];
            Assert.True(refBoxes.shape[0] > 10, "the float32 case needs varied detections");
            double cut = DetectionMatching.Cut(refScores, c.Options.RoiHeads.DetectionsPerImage);
            (int t, int m) = DetectionMatching.CountMatches(refBoxes, refScores, refLabels, d.Boxes, d.Scores, d.Labels, cut, c.Options.RoiHeads.ScoreThreshold, ScoreSlack);
            (int rt, int rm) = DetectionMatching.CountMatches(d.Boxes, d.Scores, d.Labels, refBoxes, refScores, refLabels, cut, c.Options.RoiHeads.ScoreThreshold, ScoreSlack);
            total += t; matched += m; reverseTotal += rt; reverseMatched += rm;
            output.WriteLine($"image {i}: torchvision {refBoxes.shape[0]}, Lumi {d.Boxes.shape[0]}, matched {m}/{t}, reverse {rm}/{rt}");
        }
        Assert.True(matched >= 0.98 * total, $"{matched} of {total} torchvision detections matched");
        Assert.True(reverseMatched >= 0.98 * reverseTotal, $"{reverseMatched} of {reverseTotal} Lumi detections matched");
    }

    [Fact]
    public void SwitchedOffClassesAreNeverDetected()
    {
        using var scope = NewDisposeScope();
        var c = TorchvisionCase.Load("r18_frozen_f32");
        var model = c.CreateModel();
        var all = model.Detect(c.Batch(), c.ImageSizes);
        long common = all.SelectMany(d => d.Labels.data<long>().ToArray()).GroupBy(l => l).OrderByDescending(g => g.Count()).First().Key;
        model.RoiHeads.EmittedClasses = Enumerable.Range(1, c.Options.NumClasses).Select(l => l != common).ToArray();
        var masked = model.Detect(c.Batch(), c.ImageSizes);
        Assert.All(masked, d => Assert.DoesNotContain(common, d.Labels.data<long>().ToArray()));
        Assert.True(masked.Sum(d => d.Labels.shape[0]) > 0);
    }
}
