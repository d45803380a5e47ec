using Lumi.Models.Export;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Lumi.Models.FasterRcnn;

public sealed partial class FasterRcnn
{
    /// <summary>
    /// <see cref="Transform"/> as ONNX nodes: normalize, then zero each image's padding (rows ≥ its height or
    /// columns ≥ its width), as torchvision pads after normalizing. The input is already padded to multiples of 32.
    /// </summary>
    internal OnnxValue EmitTransform(OnnxGraph g, OnnxImageBatch batch)
    {
        using var _ = g.Scope("transform");
        var mean = g.Const(Options.Transform.ImageMean.Select(v => (float)v).ToArray(), 1, 3, 1, 1);
        var std = g.Const(Options.Transform.ImageStd.Select(v => (float)v).ToArray(), 1, 3, 1, 1);
        var normalized = g.Div(g.Sub(batch.Images, mean), std);
        var zero = g.Scalar(0L);
        var one = g.Scalar(1L);
        var rows = g.Reshape(g.Range(zero, g.Dim(batch.Images, 2), one), 1, 1, -1, 1);
        var cols = g.Reshape(g.Range(zero, g.Dim(batch.Images, 3), one), 1, 1, 1, -1);
        var heights = g.Reshape(g.Slice(batch.ImageSizes, 1, 0, 1), -1, 1, 1, 1);
        var widths = g.Reshape(g.Slice(batch.ImageSizes, 1, 1, 2), -1, 1, 1, 1);
        var inside = g.Cast(g.And(g.Less(rows, heights), g.Less(cols, widths)), DataType.Float);   // [N, 1, H, W]
        return g.Mul(normalized, inside);
    }

    /// <summary>
    /// The whole eval-mode detector as ONNX nodes (transform → backbone → rpn → roi_heads, as <see cref="Detect"/>):
    /// detections of the batch as boxes [D, 4], scores [D], labels [D], image index [D].
    /// </summary>
    internal (OnnxValue Boxes, OnnxValue Scores, OnnxValue Labels, OnnxValue ImageIndex) EmitOnnx(
        OnnxGraph g, OnnxImageBatch batch, RoiHeads.RoiHeads.OnnxSettings settings)
    {
        var x = EmitTransform(g, batch);
        var features = backbone.EmitOnnx(g, x, "backbone");
        var (proposals, imageIndex, rank) = rpn.EmitOnnx(g, features, batch, "rpn");
        return roi_heads.EmitOnnx(g, features[..^1], proposals, imageIndex, rank, rpn.MaxProposalsPerImage, batch, settings, "roi_heads");
    }
}
