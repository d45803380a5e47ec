using Lumi.Models.Export;
using TorchSharp.Modules;

namespace Lumi.Models.Backbones;

public sealed partial class ResNetBody
{
    /// <summary>C2…C5 as ONNX values; <paramref name="name"/> is the state-dict prefix (<c>backbone.body</c>).</summary>
    internal OnnxValue[] EmitOnnx(OnnxGraph g, OnnxValue x, string name)
    {
        using var _ = g.Scope(name);
        var y = g.Relu(ConvEmitter.ConvNorm(g, x, conv1, bn1, name + ".conv1", trimEnd));
        y = g.MaxPool(y, 3, 2, 1, 1 - trimEnd);
        var outputs = new OnnxValue[4];
        var layers = new[] { ("layer1", layer1), ("layer2", layer2), ("layer3", layer3), ("layer4", layer4) };
        for (int i = 0; i < layers.Length; i++)
        {
            var (layerName, layer) = layers[i];
            foreach (var (blockName, block) in layer.named_children())
            {
                string full = $"{name}.{layerName}.{blockName}";
                y = block switch
                {
                    BasicBlock b => b.EmitOnnx(g, y, full),
                    Bottleneck b => b.EmitOnnx(g, y, full),
                    _ => throw new NotSupportedException($"{full}: no ONNX form for {block.GetType().Name}"),
                };
            }
            outputs[i] = y;
        }
        return outputs;
    }
}
