using Lumi.Models.Export;
using TorchSharp.Modules;

namespace Lumi.Models.Backbones;

public sealed partial class FeaturePyramidNetwork
{
    /// <summary>P2…P6 as ONNX values: exact 2× nearest upsampling (to the lateral's size) and P6 as a stride-2 1×1 max pool.</summary>
    internal OnnxValue[] EmitOnnx(OnnxGraph g, OnnxValue[] features, string name)
    {
        using var _ = g.Scope(name);
        int n = features.Length;
        var results = new OnnxValue[n + 1];
        var lastInner = Conv(g, inner_blocks[n - 1], features[n - 1], $"{name}.inner_blocks.{n - 1}.0");
        results[n - 1] = Conv(g, layer_blocks[n - 1], lastInner, $"{name}.layer_blocks.{n - 1}.0");
        for (int i = n - 2; i >= 0; i--)
        {
            var lateral = Conv(g, inner_blocks[i], features[i], $"{name}.inner_blocks.{i}.0");
            var topDown = g.ResizeNearestLike(lastInner, lateral);
            lastInner = g.Add(lateral, topDown);
            results[i] = Conv(g, layer_blocks[i], lastInner, $"{name}.layer_blocks.{i}.0");
        }
        results[n] = g.MaxPool(results[n - 1], 1, 2, 0);
        return results;
    }

    private static OnnxValue Conv(OnnxGraph g, Sequential block, OnnxValue x, string name) =>
        ConvEmitter.Conv(g, x, (Conv2d)block.named_children().Single().module, name);
}
