using Lumi.Models.Export;

namespace Lumi.Models.Ops;

public static partial class Boxes
{
    /// <summary>
    /// <see cref="ClipBoxesToImage"/> as ONNX nodes, per image: boxes [..., 4] clamped to [0, limit] where
    /// <paramref name="limits"/> (w, h, w, h) broadcasts against them.
    /// </summary>
    internal static OnnxValue EmitClip(OnnxGraph g, OnnxValue boxes, OnnxValue limits) =>
        g.Min(g.Max(boxes, g.Scalar(0f)), limits);

    /// <summary><see cref="RemoveSmallBoxes"/> as a keep mask: width and height both at least <paramref name="minSize"/>.</summary>
    internal static OnnxValue EmitLargeEnough(OnnxGraph g, OnnxValue boxes, double minSize)
    {
        var ws = g.Sub(g.Slice(boxes, -1, 2, 3), g.Slice(boxes, -1, 0, 1));
        var hs = g.Sub(g.Slice(boxes, -1, 3, 4), g.Slice(boxes, -1, 1, 2));
        var min = g.Scalar((float)minSize);
        return g.Squeeze(g.And(g.GreaterOrEqual(ws, min), g.GreaterOrEqual(hs, min)), -1);
    }
}
