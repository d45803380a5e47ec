using Google.Protobuf;
using Lumi.Models.Export;
using Lumi.Models.FasterRcnn;
using Lumi.Models.Tests.FasterRcnn;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Lumi.Models.Tests.Export;

/// <summary>
/// The exported graph in ONNX Runtime (CPU, all graph optimisations) against the same weights in TorchSharp eager
/// (float32): detections as matched sets — same label, IoU ≥ 0.999, |Δscore| ≤ 1e-4 — with equal counts except
/// for detections within 1e-4 of the score threshold (or of the cut of a capped image).
/// </summary>
[Collection("Model")]
public sealed class OnnxExportParityTests(ITestOutputHelper output)
{
    private static string[] Classes(int n) => Enumerable.Range(1, n).Select(i => $"class{i}").ToArray();

    private static OnnxRunner Export(Lumi.Models.FasterRcnn.FasterRcnn model, ExportOptions? options = null) =>
        new(OnnxExporter.Build(model, Classes(model.Options.NumClasses), options ?? new ExportOptions()).ToByteArray());

    /// <summary>Runs both, compares image by image, returns the total number of detections compared.</summary>
    private int AssertParity(Lumi.Models.FasterRcnn.FasterRcnn eager, OnnxRunner onnx, IReadOnlyList<Tensor> images,
        float? scoreThreshold = null, float? nmsThreshold = null, long? detectionsPerImage = null)
    {
        using var scope = NewDisposeScope();
        var (batch, sizes) = ExportFixtures.Batch(images);
        var expected = eager.Detect(batch, sizes).Select(ImageDetections.From).ToArray();
        var actual = onnx.Run(batch, sizes, scoreThreshold, nmsThreshold, detectionsPerImage);
        double threshold = scoreThreshold ?? eager.Options.RoiHeads.ScoreThreshold;
        int cap = (int)(detectionsPerImage ?? eager.Options.RoiHeads.DetectionsPerImage);
        int compared = 0;
        for (int i = 0; i < images.Count; i++)
        {
            var r = DetectionSets.Compare(expected[i], actual[i], threshold, cap);
            output.WriteLine($"image {i} ({sizes[i].Height}×{sizes[i].Width} in {batch.shape[2]}×{batch.shape[3]}): {r}");
            Assert.True(r.Unmatched == 0 && r.UnmatchedReverse == 0, $"image {i}: {r}");
            compared += r.Compared;
        }
        return compared;
    }

    [Fact]
    public void Resnet18SeveralSizesBatchOneAndThree()
    {
        var model = ExportFixtures.RandomModel("resnet18", frozenBatchNorm: true, numClasses: 6, seed: 21);
        using var onnx = Export(model);
        int n = 0;
        foreach (var (h, w) in new (long, long)[] { (160, 224), (256, 192), (128, 128) })
            n += AssertParity(model, onnx, new[] { ExportFixtures.Image((int)(h + w), h, w) });
        // One batch, three content sizes: padding matters.
        n += AssertParity(model, onnx, new[] { ExportFixtures.Image(1, 224, 288), ExportFixtures.Image(2, 160, 200), ExportFixtures.Image(3, 250, 130) });
        Assert.True(n > 50, $"only {n} detections compared: the model needs calibrating");
    }

    [Fact]
    public void Resnet18CntkWithItsAsymmetricPadding()
    {
        // Small heads: the backbone is what differs from the other ResNets.
        var model = ExportFixtures.RandomModel("resnet18_cntk", frozenBatchNorm: true, numClasses: 5, seed: 23, configure: o => o with
        {
            Backbone = o.Backbone with { FpnChannels = 64 },
            Rpn = o.Rpn with { PreNmsTopN = new(300, 300), PostNmsTopN = new(150, 150) },
            RoiHeads = o.RoiHeads with { RepresentationSize = 128 },
        });
        using var onnx = Export(model);
        int n = AssertParity(model, onnx, new[] { ExportFixtures.Image(7, 160, 224), ExportFixtures.Image(8, 200, 150) });
        Assert.True(n > 20, $"only {n} detections compared: the model needs calibrating");
    }

    [Fact]
    public void OverriddenThresholdsAndNoDetections()
    {
        var model = ExportFixtures.RandomModel("resnet18", frozenBatchNorm: true, numClasses: 4, seed: 22);
        using var onnx = Export(model);
        var images = new[] { ExportFixtures.Image(5, 192, 256), ExportFixtures.Image(6, 128, 224) };

        var strict = ExportFixtures.Clone(model, model.Options with
        {
            RoiHeads = model.Options.RoiHeads with { NmsThreshold = 0.3, DetectionsPerImage = 7 },
        });
        strict.RoiHeads.ScoreThreshold = 0.3;
        Assert.True(AssertParity(strict, onnx, images, scoreThreshold: 0.3f, nmsThreshold: 0.3f, detectionsPerImage: 7) > 0);

        // A high threshold, no cap reached: the counts themselves are compared.
        var high = ExportFixtures.Clone(model, model.Options);
        high.RoiHeads.ScoreThreshold = 0.6;
        var (hb, hs) = ExportFixtures.Batch(images);
        Assert.All(high.Detect(hb, hs), d => Assert.InRange(d.Scores.shape[0], 1, 99));
        AssertParity(high, onnx, images, scoreThreshold: 0.6f);

        var loose = ExportFixtures.Clone(model, model.Options);
        loose.RoiHeads.ScoreThreshold = 0.001;
        AssertParity(loose, onnx, images, scoreThreshold: 0.001f);

        // A threshold no probability exceeds: no detections at all, from both.
        var none = ExportFixtures.Clone(model, model.Options);
        none.RoiHeads.ScoreThreshold = 1.0;
        Assert.Equal(0, AssertParity(none, onnx, images, scoreThreshold: 1.0f));
        var (batch, sizes) = ExportFixtures.Batch(images);
        Assert.All(onnx.Run(batch, sizes, scoreThreshold: 1.0f), d => Assert.Equal(0, d.Count));
    }

    [Fact]
    public void ExportedDefaultsAreTheGraphsDefaults()
    {
        var model = ExportFixtures.RandomModel("resnet18", frozenBatchNorm: true, numClasses: 4, seed: 23);
        using var onnx = Export(model, new ExportOptions { ScoreThreshold = 0.4, NmsThreshold = 0.4, DetectionsPerImage = 5 });
        var eager = ExportFixtures.Clone(model, model.Options with
        {
            RoiHeads = model.Options.RoiHeads with { NmsThreshold = 0.4, DetectionsPerImage = 5 },
        });
        eager.RoiHeads.ScoreThreshold = 0.4;
        var images = new[] { ExportFixtures.Image(7, 224, 160) };
        var (batch, sizes) = ExportFixtures.Batch(images);
        var expected = eager.Detect(batch, sizes).Select(ImageDetections.From).ToArray();
        var actual = onnx.Run(batch, sizes);
        var r = DetectionSets.AssertMatch(expected[0], actual[0], 0.4, 5);
        output.WriteLine(r.ToString());
        Assert.InRange(actual[0].Count, 1, 5);
    }

    [Theory]
    [InlineData("resnet18", false, 160, 224)]
    [InlineData("resnet34", true, 192, 128)]
    [InlineData("resnet50", true, 128, 160)]
    [InlineData("resnet101", false, 96, 128)]
    public void EveryBackboneExportsWithParity(string backbone, bool frozen, int h, int w)
    {
        var model = ExportFixtures.RandomModel(backbone, frozen, numClasses: 5, seed: 30 + h, eps: frozen ? 0.0 : 1e-5);
        using var onnx = Export(model);
        int n = AssertParity(model, onnx, new[] { ExportFixtures.Image(h, h, w), ExportFixtures.Image(w, h - 32, w + 32) });
        Assert.True(n > 10, $"only {n} detections compared: the model needs calibrating");
    }

    [Fact]
    public void TorchvisionWeightsMatchTorchvisionThroughOnnx()
    {
        using var scope = NewDisposeScope();
        var c = TorchvisionCase.Load("r18_frozen_f32");
        var model = c.CreateModel();
        using var onnx = Export(model);
        var images = Enumerable.Range(0, c.NumImages).Select(i => c.Io[$"image_{i}"]).ToArray();
        var (batch, sizes) = ExportFixtures.Batch(images);
        var actual = onnx.Run(batch, sizes);
        var eager = model.Detect(batch, sizes).Select(ImageDetections.From).ToArray();
        int total = 0, unmatched = 0;
        for (int i = 0; i < c.NumImages; i++)
        {
            var reference = ImageDetections.From(c.Io[$"det_boxes_{i}"], c.Io[$"det_scores_{i}"], c.Io[$"det_labels_{i}"]);
            Assert.True(reference.Count > 10, "the float32 case needs varied detections");
            // Against torchvision: Float32ParityTests' tolerances (IoU ≥ 0.99, |Δscore| ≤ 1e-3, ≥ 98% matched both ways).
            var r = DetectionSets.Compare(reference, actual[i], c.Options.RoiHeads.ScoreThreshold, c.Options.RoiHeads.DetectionsPerImage, 0.99, 1e-3);
            output.WriteLine($"image {i} vs torchvision: {r}");
            total += r.Compared * 2;
            unmatched += r.Unmatched + r.UnmatchedReverse;
            // Against TorchSharp eager: the strict rule.
            var s = DetectionSets.AssertMatch(eager[i], actual[i], c.Options.RoiHeads.ScoreThreshold, c.Options.RoiHeads.DetectionsPerImage);
            output.WriteLine($"image {i} vs TorchSharp: {s}");
        }
        Assert.True(unmatched <= 0.02 * total, $"{unmatched} of {total} detections unmatched against torchvision");
    }
}
