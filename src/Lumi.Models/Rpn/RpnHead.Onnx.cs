using Lumi.Models.Export;
using TorchSharp.Modules;

namespace Lumi.Models.Rpn;

public sealed partial class RpnHead
{
    /// <summary>Objectness [N, A, h, w] and deltas [N, 4A, h, w] per level, as ONNX values (weights shared across levels).</summary>
    internal (OnnxValue[] Objectness, OnnxValue[] Deltas) EmitOnnx(OnnxGraph g, OnnxValue[] features, string name)
    {
        using var _ = g.Scope(name);
        var shared = (Conv2d)((Sequential)conv.named_children().Single().module).named_children().First().module;
        var objectness = new OnnxValue[features.Length];
        var deltas = new OnnxValue[features.Length];
        for (int i = 0; i < features.Length; i++)
        {
            var t = g.Relu(ConvEmitter.Conv(g, features[i], shared, name + ".conv.0.0"));
            objectness[i] = ConvEmitter.Conv(g, t, cls_logits, name + ".cls_logits");
            deltas[i] = ConvEmitter.Conv(g, t, bbox_pred, name + ".bbox_pred");
        }
        return (objectness, deltas);
    }
}
