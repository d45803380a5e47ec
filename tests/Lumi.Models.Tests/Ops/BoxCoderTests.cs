using Lumi.Models.Ops;
using TorchSharp;
using static Lumi.Models.Tests.Ops.OpsReference;

namespace Lumi.Models.Tests.Ops;

public sealed class BoxCoderTests
{
    // exp/log may be vectorised differently in libtorch 2.10 and torch 1.13: allow a few ulps
    // (relative to the largest magnitude, at least 1).
    private static double Tolerance(string name) => name.EndsWith("f64") ? 1e-12 : 1e-5;

    [Fact]
    public void EncodeAndDecodeMatchTorchvision()
    {
        foreach (var c in Cases("coder"))
        {
            string n = c["name"]!.GetValue<string>();
            var w = c["weights"]!.AsArray().Select(x => x!.GetValue<double>()).ToArray();
            var coder = new BoxCoder(w[0], w[1], w[2], w[3]);
            using var scope = torch.NewDisposeScope();
            var encoded = coder.Encode(T($"{n}/ref"), T($"{n}/prop"));
            var expected = T($"{n}/encoded");
            double scale = Math.Max(1, MaxAbs(expected));
            Assert.True(MaxAbsDiff(encoded, expected) <= Tolerance(n) * scale, $"{n}: encode differs by {MaxAbsDiff(encoded, expected)}");

            var decoded = coder.Decode(T($"{n}/codes"), T($"{n}/prop"));
            var expectedDecoded = T($"{n}/decoded");
            double dscale = Math.Max(1, MaxAbs(expectedDecoded));
            double d = MaxAbsDiff(decoded, expectedDecoded);
            Assert.True(d <= Tolerance(n) * dscale, $"{n}: decode differs by {d} (largest magnitude {dscale})");
        }
    }

    private static double MaxAbs(TorchSharp.torch.Tensor t) => t.abs().max().to(TorchSharp.torch.ScalarType.Float64).item<double>();

    [Fact]
    public void DecodeClampsDeltasBeforeExp()
    {
        var coder = new BoxCoder(1, 1, 1, 1);
        using var scope = torch.NewDisposeScope();
        var boxes = torch.tensor(new double[] { 0, 0, 16, 16 }).reshape(1, 4);
        var codes = torch.tensor(new double[] { 0, 0, 100, 100 }).reshape(1, 4);
        var decoded = coder.Decode(codes, boxes).data<double>().ToArray();
        // exp(log(1000/16)) * 16 = 1000, centred on 8.
        Assert.Equal(new[] { -492.0, -492.0, 508.0, 508.0 }, decoded.Select(v => Math.Round(v, 9)).ToArray());
    }

    [Fact]
    public void WeightsMustBePositive()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new BoxCoder(10, 10, 0, 5));
        Assert.StartsWith("box coder weights must be positive and finite, got ww = 0.", e.Message);
    }
}
