using System.Text.Json.Nodes;
using Lumi.Models.Checkpoints;
using static TorchSharp.torch;

namespace Lumi.Models.Tests.Ops;

/// <summary>torchvision's outputs for the ops (tests/reference/ops_reference.py), loaded once per test run.</summary>
internal static class OpsReference
{
    private static readonly Lazy<(Dictionary<string, Tensor> Tensors, JsonObject Cases)> Data = new(() =>
    {
        var tensors = SafeTensors.Read(ReferenceData.Get("ops_reference.py"), out var metadata);
        return (tensors, JsonNode.Parse(metadata["cases"])!.AsObject());
    });

    public static Tensor T(string name) =>
        Data.Value.Tensors.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"reference tensor '{name}' is missing");

    public static IReadOnlyList<JsonObject> Cases(string op) =>
        Data.Value.Cases[op]!.AsArray().Select(c => c!.AsObject()).ToList();

    /// <summary>Largest absolute difference, computed in float64.</summary>
    public static double MaxAbsDiff(Tensor actual, Tensor expected)
    {
        Assert.Equal(expected.shape, actual.shape);
        if (expected.numel() == 0) return 0;
        using var a = actual.detach().cpu().to(ScalarType.Float64);
        using var e = expected.detach().cpu().to(ScalarType.Float64);
        using var d = (a - e).abs().max();
        return d.item<double>();
    }

    public static long[] Longs(Tensor t)
    {
        using var c = t.cpu().to(ScalarType.Int64).contiguous();
        return c.data<long>().ToArray();
    }
}
