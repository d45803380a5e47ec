using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Models.Ops;

/// <summary>
/// Box arithmetic on <c>[N, 4]</c> tensors of (x1, y1, x2, y2) in continuous pixel coordinates,
/// with torchvision's semantics (<c>torchvision.ops.boxes</c>): no "+1" in widths, areas upcast
/// from half precision to float32, results on the boxes' device.
/// </summary>
public static partial class Boxes
{
    /// <summary>Area of each box, <c>(x2 - x1) * (y2 - y1)</c>; half-precision boxes give float32 areas.</summary>
    public static Tensor BoxArea(Tensor boxes)
    {
        CheckBoxes(boxes, nameof(boxes));
        using var scope = torch.NewDisposeScope();
        var b = Upcast(boxes);
        var area = (b[.., 2] - b[.., 0]) * (b[.., 3] - b[.., 1]);
        return area.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Pairwise intersection over union, <c>[N, M]</c>, as <c>torchvision.ops.box_iou</c>:
    /// <c>inter / (area1 + area2 - inter)</c> with the intersection's sides clamped at 0.
    /// </summary>
    public static Tensor BoxIou(Tensor boxes1, Tensor boxes2)
    {
        CheckBoxes(boxes1, nameof(boxes1));
        CheckBoxes(boxes2, nameof(boxes2));
        using var scope = torch.NewDisposeScope();
        var area1 = BoxArea(boxes1);
        var area2 = BoxArea(boxes2);
        var lt = torch.maximum(boxes1[.., TensorIndex.None, ..2], boxes2[.., ..2]); // [N, M, 2]
        var rb = torch.minimum(boxes1[.., TensorIndex.None, 2..], boxes2[.., 2..]); // [N, M, 2]
        var wh = Upcast(rb - lt).clamp_min(0);
        var inter = wh[.., .., 0] * wh[.., .., 1];
        var union = area1[.., TensorIndex.None] + area2 - inter;
        return (inter / union).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Clamps x coordinates to <c>[0, width]</c> and y coordinates to <c>[0, height]</c>,
    /// as <c>torchvision.ops.clip_boxes_to_image</c>. Works on any <c>[..., 4]</c> tensor.
    /// </summary>
    public static Tensor ClipBoxesToImage(Tensor boxes, long height, long width)
    {
        if (boxes.dim() < 1 || boxes.shape[^1] != 4)
            throw new ArgumentException($"boxes must have shape [..., 4], got [{string.Join(", ", boxes.shape)}].", nameof(boxes));
        if (height < 0 || width < 0)
            throw new ArgumentOutOfRangeException(nameof(height), $"height and width must be >= 0, got {height} x {width}.");
        using var scope = torch.NewDisposeScope();
        long dim = boxes.dim();
        var x = boxes[TensorIndex.Ellipsis, TensorIndex.Slice(0, null, 2)].clamp(0, width);
        var y = boxes[TensorIndex.Ellipsis, TensorIndex.Slice(1, null, 2)].clamp(0, height);
        var clipped = torch.stack(new[] { x, y }, dim).reshape(boxes.shape);
        return clipped.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Indices (int64, ascending) of the boxes whose width and height are both at least
    /// <paramref name="minSize"/>, as <c>torchvision.ops.remove_small_boxes</c>.
    /// </summary>
    public static Tensor RemoveSmallBoxes(Tensor boxes, double minSize)
    {
        CheckBoxes(boxes, nameof(boxes));
        using var scope = torch.NewDisposeScope();
        var ws = boxes[.., 2] - boxes[.., 0];
        var hs = boxes[.., 3] - boxes[.., 1];
        var keep = ws.ge(minSize).logical_and(hs.ge(minSize));
        return keep.nonzero().reshape(-1).MoveToOuterDisposeScope();
    }

    internal static void CheckBoxes(Tensor boxes, string name)
    {
        if (boxes.dim() != 2 || boxes.shape[1] != 4)
            throw new ArgumentException($"{name} must have shape [N, 4], got [{string.Join(", ", boxes.shape)}].", name);
    }

    /// <summary>torchvision's <c>_upcast</c>: half floats become float32, small integers int32.</summary>
    private static Tensor Upcast(Tensor t)
    {
        if (t.is_floating_point())
            return t.dtype is ScalarType.Float32 or ScalarType.Float64 ? t : t.to(ScalarType.Float32);
        return t.dtype is ScalarType.Int32 or ScalarType.Int64 ? t : t.to(ScalarType.Int32);
    }
}
