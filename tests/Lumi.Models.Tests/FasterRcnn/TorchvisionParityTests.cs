using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Lumi.Models.Tests.FasterRcnn;

/// <summary>
/// Lumi's Faster R-CNN against torchvision 0.14 on the same weights and inputs (tests/reference/model_reference.py).
/// Float64 on both sides: every stage to 1e-6 of the reference's largest magnitude.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class TorchvisionParityTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-6;

    [Theory]
    [InlineData("r18_frozen_f64")]
    [InlineData("r50_frozen_f64")]
    [InlineData("r18_bn_f64")]
    public void Float64StagesMatchTorchvision(string name)
    {
        using var scope = NewDisposeScope();
        var c = TorchvisionCase.Load(name);
        var model = c.CreateModel();
        using var noGrad = no_grad();

        var x = model.Transform(c.Batch(), c.ImageSizes);
        AssertClose("transformed", c.Io["transformed"], x);

        var features = model.Backbone.forward(x);
        for (int i = 0; i < features.Length; i++)
            AssertClose($"feature {i}", c.Io[$"feature_{i}"], features[i]);

        var (proposals, _) = model.Rpn.Forward(features, (x.shape[2], x.shape[3]), c.ImageSizes);
        for (int i = 0; i < c.NumImages; i++)
            AssertClose($"proposals {i}", c.Io[$"proposals_{i}"], proposals[i]);

        var detections = model.Detect(c.Batch(), c.ImageSizes);
        for (int i = 0; i < c.NumImages; i++)
        {
            Assert.True(detections[i].Boxes.shape[0] > 0, "the reference case must have detections");
            AssertClose($"boxes {i}", c.Io[$"det_boxes_{i}"], detections[i].Boxes);
            AssertClose($"scores {i}", c.Io[$"det_scores_{i}"], detections[i].Scores);
            Assert.Equal(c.Io[$"det_labels_{i}"].data<long>().ToArray(), detections[i].Labels.data<long>().ToArray());
        }
    }

    [Theory]
    [InlineData("r18_frozen_f64")]
    [InlineData("r50_frozen_f64")]
    public void Float64LossesMatchTorchvisionWithItsSamples(string name)
    {
        using var scope = NewDisposeScope();
        var c = TorchvisionCase.Load(name);
        var model = c.CreateModel();
        model.train();
        model.Rpn.Sampler = c.ReplaySampler("rpn");
        model.RoiHeads.Sampler = c.ReplaySampler("roi");
        var losses = model.ComputeLosses(c.Batch(), c.ImageSizes, c.TargetBoxes, c.TargetLabels);
        foreach (var key in new[] { "loss_objectness", "loss_rpn_box_reg", "loss_classifier", "loss_box_reg" })
        {
            double expected = c.Io[key].to(ScalarType.Float64).item<double>();
            double actual = losses[key].to(ScalarType.Float64).item<double>();
            output.WriteLine($"{key}: torchvision {expected:R}, Lumi {actual:R}");
            Assert.True(Math.Abs(expected - actual) <= Tolerance * Math.Max(1, Math.Abs(expected)), $"{key}: expected {expected:R}, got {actual:R}");
        }
    }

    private void AssertClose(string what, Tensor expected, Tensor actual)
    {
        Assert.True(expected.shape.SequenceEqual(actual.shape),
            $"{what}: shape [{string.Join(", ", actual.shape)}], torchvision [{string.Join(", ", expected.shape)}]");
        if (expected.numel() == 0) return;
        double scale = Math.Max(expected.abs().max().item<double>(), 1e-12);
        double diff = (expected.to(ScalarType.Float64) - actual.to(ScalarType.Float64)).abs().max().item<double>();
        output.WriteLine($"{what}: max |Δ| = {diff:E2} (scale {scale:E2})");
        Assert.True(diff <= Tolerance * scale, $"{what}: max |Δ| = {diff:E3} exceeds {Tolerance:E0} × {scale:E3}");
    }
}
