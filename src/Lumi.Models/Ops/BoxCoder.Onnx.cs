using Lumi.Models.Export;

namespace Lumi.Models.Ops;

public sealed partial class BoxCoder
{
    /// <summary>
    /// <see cref="Decode"/> as ONNX nodes, with the same operations in the same order: deltas [..., 4] applied to
    /// reference boxes [..., 4] (broadcast against the deltas), giving boxes [..., 4].
    /// </summary>
    internal OnnxValue EmitDecode(OnnxGraph g, OnnxValue deltas, OnnxValue boxes)
    {
        using var _ = g.Scope("decode");
        OnnxValue Col(OnnxValue t, int i) => g.Slice(t, -1, i, i + 1);
        var widths = g.Sub(Col(boxes, 2), Col(boxes, 0));
        var heights = g.Sub(Col(boxes, 3), Col(boxes, 1));
        var half = g.Scalar(0.5f);
        var ctrX = g.Add(Col(boxes, 0), g.Mul(half, widths));
        var ctrY = g.Add(Col(boxes, 1), g.Mul(half, heights));

        var dx = g.Div(Col(deltas, 0), g.Scalar((float)Weights.Wx));
        var dy = g.Div(Col(deltas, 1), g.Scalar((float)Weights.Wy));
        var dw = g.Min(g.Div(Col(deltas, 2), g.Scalar((float)Weights.Ww)), g.Scalar((float)BboxXformClip));
        var dh = g.Min(g.Div(Col(deltas, 3), g.Scalar((float)Weights.Wh)), g.Scalar((float)BboxXformClip));

        var predCtrX = g.Add(g.Mul(dx, widths), ctrX);
        var predCtrY = g.Add(g.Mul(dy, heights), ctrY);
        var predW = g.Mul(g.Exp(dw), widths);
        var predH = g.Mul(g.Exp(dh), heights);
        var cToCH = g.Mul(half, predH);
        var cToCW = g.Mul(half, predW);
        return g.Concat(-1, g.Sub(predCtrX, cToCW), g.Sub(predCtrY, cToCH), g.Add(predCtrX, cToCW), g.Add(predCtrY, cToCH));
    }
}
