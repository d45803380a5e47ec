using BenchmarkDotNet.Attributes;
using Lumi.Models.Ops;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Benchmarks;

/// <summary>
/// RoIAlign 7×7, sampling ratio 2, on one FPN level (P2 of an 800×1088 image: 256 × 200 × 272, scale 1/4)
/// with 512 RoIs, float32 on the CPU: forward alone and forward + backward.
/// </summary>
[MemoryDiagnoser]
public class RoiAlignBenchmarks
{
    private Tensor features = null!;
    private Tensor rois = null!;

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(2);
        var gen = new Generator(3);
        features = torch.randn(new long[] { 1, 256, 200, 272 }, generator: gen);
        var xy = torch.rand(new long[] { 512, 2 }, generator: gen) * 800;
        var wh = torch.rand(new long[] { 512, 2 }, generator: gen) * 300 + 4;
        rois = torch.cat(new[] { torch.zeros(512, 1), xy, xy + wh }, 1);
    }

    [Benchmark(Description = "RoIAlign forward")]
    public long Forward()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return RoiAlign.Apply(features, rois, (7, 7), 0.25, 2).shape[0];
    }

    [Benchmark(Description = "RoIAlign forward + backward")]
    public long ForwardBackward()
    {
        using var scope = torch.NewDisposeScope();
        var x = features.detach().requires_grad_(true);
        RoiAlign.Apply(x, rois, (7, 7), 0.25, 2).sum().backward();
        return x.grad!.shape[0];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        features.Dispose();
        rois.Dispose();
    }
}
