using Lumi.Models.Export;

namespace Lumi.Models.RoiHeads;

public sealed partial class TwoMlpHead
{
    /// <summary>flatten → fc6 → ReLU → fc7 → ReLU as ONNX nodes.</summary>
    internal OnnxValue EmitOnnx(OnnxGraph g, OnnxValue x, string name)
    {
        using var _ = g.Scope(name);
        var y = g.Relu(g.Linear(g.Flatten(x, 1), g.Initializer(name + ".fc6.weight", fc6.weight), g.Initializer(name + ".fc6.bias", fc6.bias!)));
        return g.Relu(g.Linear(y, g.Initializer(name + ".fc7.weight", fc7.weight), g.Initializer(name + ".fc7.bias", fc7.bias!)));
    }
}
