using Lumi.Models.Ops;
using TorchSharp;
using Xunit.Abstractions;
using static Lumi.Models.Tests.Ops.OpsReference;
using static TorchSharp.torch;

namespace Lumi.Models.Tests.Ops;

public sealed class RoiAlignTests(ITestOutputHelper output)
{
    // Absolute tolerances on outputs and input gradients (values are O(1); gradients at most O(10)).
    private const double Float64Tolerance = 1e-10;
    private const double Float32Tolerance = 1e-5;

    [Fact]
    public void ForwardAndInputGradientMatchTorchvision()
    {
        double worst64 = 0, worst32 = 0;
        foreach (var c in Cases("roi_align"))
        {
            string n = c["name"]!.GetValue<string>();
            var size = c["output_size"]!.AsArray().Select(x => x!.GetValue<int>()).ToArray();
            using var scope = torch.NewDisposeScope();
            var input = T($"{n}/input").clone().requires_grad_(true);
            var pooled = RoiAlign.Apply(input, T($"{n}/rois"), (size[0], size[1]),
                c["spatial_scale"]!.GetValue<double>(), c["sampling_ratio"]!.GetValue<int>(), c["aligned"]!.GetValue<bool>());
            (pooled * T($"{n}/grad_output")).sum().backward();

            double tolerance = n.EndsWith("f64") ? Float64Tolerance : Float32Tolerance;
            double dOut = MaxAbsDiff(pooled, T($"{n}/output"));
            double dGrad = MaxAbsDiff(input.grad!, T($"{n}/grad_input"));
            output.WriteLine($"{n}: output {dOut:E2}, grad {dGrad:E2}");
            Assert.True(dOut <= tolerance, $"{n}: output differs from torchvision by {dOut:E3} (tolerance {tolerance:E0})");
            Assert.True(dGrad <= tolerance, $"{n}: input gradient differs from torchvision by {dGrad:E3} (tolerance {tolerance:E0})");
            if (n.EndsWith("f64")) worst64 = Math.Max(worst64, Math.Max(dOut, dGrad));
            else worst32 = Math.Max(worst32, Math.Max(dOut, dGrad));
        }
        output.WriteLine($"worst: float64 {worst64:E2}, float32 {worst32:E2}");
    }

    [Fact]
    public void InputGradientMatchesFiniteDifferencesInFloat64()
    {
        using var scope = torch.NewDisposeScope();
        var gen = new Generator(11);
        var input = torch.randn(new long[] { 2, 2, 6, 7 }, ScalarType.Float64, generator: gen);
        var rois = torch.tensor(new double[,]
        {
            { 0, 1.3, 0.7, 9.1, 10.4 },
            { 1, -3.0, -2.0, 5.5, 4.0 },     // partly outside
            { 1, 10.2, 11.0, 16.0, 14.9 },   // bottom-right corner and beyond
            { 0, 4.4, 4.4, 4.5, 4.6 },       // tiny: forced to 1x1
            { 1, -40, -40, 60, 60 },         // huge
        }, ScalarType.Float64);
        var weights = torch.randn(new long[] { 5, 2, 3, 3 }, ScalarType.Float64, generator: gen);
        Tensor Loss(Tensor x) => (RoiAlign.Apply(x, rois, (3, 3), 0.5, 2) * weights).sum();

        var x = input.clone().requires_grad_(true);
        Loss(x).backward();
        var analytic = x.grad!.data<double>().ToArray();

        const double eps = 1e-6;
        var flat = input.clone().reshape(-1);
        double worst = 0;
        for (int i = 0; i < flat.shape[0]; i++)
        {
            using var inner = torch.NewDisposeScope();
            double v = flat[i].item<double>();
            flat[i] = v + eps;
            double up = Loss(flat.view(input.shape)).item<double>();
            flat[i] = v - eps;
            double down = Loss(flat.view(input.shape)).item<double>();
            flat[i] = v;
            worst = Math.Max(worst, Math.Abs((up - down) / (2 * eps) - analytic[i]));
        }
        output.WriteLine($"largest |numerical - autograd| over {flat.shape[0]} inputs: {worst:E2}");
        Assert.True(worst < 1e-7, $"input gradient differs from central differences by {worst:E3}");
        Assert.Contains(analytic, g => g != 0);
    }

    [Fact]
    public void NoRoisGiveAnEmptyOutput()
    {
        using var input = zeros(1, 3, 5, 5);
        using var rois = zeros(0, 5);
        using var pooled = RoiAlign.Apply(input, rois, (7, 7), 1.0, 2);
        Assert.Equal(new long[] { 0, 3, 7, 7 }, pooled.shape);
    }

    [Fact]
    public void LeavesNothingBehindInTheCallersScope()
    {
        using var input = randn(1, 4, 9, 9);
        using var rois = tensor(new float[] { 0, 1, 1, 6, 7, 0, 2, 0, 8, 5 }).reshape(2, 5);
        using var scope = torch.NewDisposeScope();
        using var pooled = RoiAlign.Apply(input, rois, (7, 7), 1.0, 0);
        Assert.Equal(1, scope.DisposablesCount);
    }

    [Fact]
    public void RejectsRoisWithFourColumns()
    {
        using var input = zeros(1, 3, 5, 5);
        using var rois = zeros(2, 4);
        var e = Assert.Throws<ArgumentException>(() => RoiAlign.Apply(input, rois, (7, 7), 1.0, 2));
        Assert.StartsWith("rois must have shape [K, 5] (batch index, x1, y1, x2, y2), got [2, 4].", e.Message);
    }
}
