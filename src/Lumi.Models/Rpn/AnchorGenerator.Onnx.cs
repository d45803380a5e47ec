using Lumi.Models.Export;
using static TorchSharp.torch;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Lumi.Models.Rpn;

public sealed partial class AnchorGenerator
{
    /// <summary>
    /// One level's anchors [h·w·A, 4] as ONNX nodes, from the runtime shapes of the padded images and of the
    /// feature map (stride = image size ÷ grid size, integer), so any H, W works. The zero-centred cell anchors are
    /// the constants <see cref="CellAnchors"/> gives in float32.
    /// </summary>
    internal OnnxValue EmitLevel(OnnxGraph g, int level, OnnxValue images, OnnxValue feature)
    {
        using var _ = g.Scope($"anchors{level}");
        float[] cell;
        using (var t = CellAnchors(level, ScalarType.Float32, CPU)) cell = t.data<float>().ToArray();
        var cellAnchors = g.Const(cell, 1, cell.Length / 4, 4);

        var gridH = g.Dim(feature, 2);
        var gridW = g.Dim(feature, 3);
        var strideH = g.Div(g.Dim(images, 2), gridH);
        var strideW = g.Div(g.Dim(images, 3), gridW);
        var zero = g.Scalar(0L);
        var one = g.Scalar(1L);
        var shiftsX = g.Cast(g.Mul(g.Range(zero, gridW, one), strideW), DataType.Float);   // [w]
        var shiftsY = g.Cast(g.Mul(g.Range(zero, gridH, one), strideH), DataType.Float);   // [h]
        var gridShape = g.Concat(0, g.Shape(feature, 2, 3), g.Shape(feature, 3, 4));
        var sx = g.Reshape(g.Expand(g.Unsqueeze(shiftsX, 0), gridShape), -1, 1);           // [h·w, 1]
        var sy = g.Reshape(g.Expand(g.Unsqueeze(shiftsY, 1), gridShape), -1, 1);
        var shifts = g.Concat(1, sx, sy, sx, sy);                                           // [h·w, 4]
        return g.Reshape(g.Add(g.Reshape(shifts, -1, 1, 4), cellAnchors), -1, 4);
    }
}
