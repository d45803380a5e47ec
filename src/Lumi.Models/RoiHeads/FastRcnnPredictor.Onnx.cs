using Lumi.Models.Export;

namespace Lumi.Models.RoiHeads;

public sealed partial class FastRcnnPredictor
{
    /// <summary>Class logits [R, K+1] and per-class deltas [R, 4(K+1)] as ONNX nodes.</summary>
    internal (OnnxValue ClassLogits, OnnxValue BoxRegression) EmitOnnx(OnnxGraph g, OnnxValue x, string name)
    {
        using var _ = g.Scope(name);
        var flat = g.Flatten(x, 1);
        var logits = g.Linear(flat, g.Initializer(name + ".cls_score.weight", cls_score.weight), g.Initializer(name + ".cls_score.bias", cls_score.bias!));
        var deltas = g.Linear(flat, g.Initializer(name + ".bbox_pred.weight", bbox_pred.weight), g.Initializer(name + ".bbox_pred.bias", bbox_pred.bias!));
        return (logits, deltas);
    }
}
