using BenchmarkDotNet.Attributes;
using Lumi.Models.Ops;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Benchmarks;

/// <summary>NMS on 10 000 random boxes (CPU, float32, IoU 0.5): Lumi against TorchVision .NET's <c>ops.nms</c>.</summary>
[MemoryDiagnoser]
public class NmsBenchmarks
{
    private Tensor boxes = null!;
    private Tensor scores = null!;

    [Params(10_000)]
    public int Boxes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(2);
        var gen = new Generator(7);
        var xy = torch.rand(new long[] { Boxes, 2 }, generator: gen) * 1000;
        var wh = torch.rand(new long[] { Boxes, 2 }, generator: gen) * 100 + 1;
        boxes = torch.cat(new[] { xy, xy + wh }, 1);
        scores = torch.rand(new long[] { Boxes }, generator: gen);
    }

    [Benchmark(Baseline = true, Description = "TorchVision .NET ops.nms")]
    public long TorchVisionNms()
    {
        using var keep = torchvision.ops.nms(boxes, scores, 0.5);
        return keep.shape[0];
    }

    [Benchmark(Description = "Lumi NonMaxSuppression.Nms")]
    public long LumiNms()
    {
        using var keep = NonMaxSuppression.Nms(boxes, scores, 0.5);
        return keep.shape[0];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        boxes.Dispose();
        scores.Dispose();
    }
}
