using DataType = Onnx.TensorProto.Types.DataType;

namespace Lumi.Models.Export;

/// <summary>
/// Loop-free "top n per image" over a flat list of scored items that each belong to an image: one sort by the key
/// (image, −score), each item's rank within its image (position minus the image's first position, from counts and
/// an exclusive cumulative sum), and the items ranked below n. Works for any number of items per image, zero included.
/// </summary>
internal static class PerImageTopN
{
    /// <summary>
    /// Indices into the items of those kept, ordered by image then decreasing score, and each one's rank in its image.
    /// </summary>
    /// <param name="imageIndex">[M] int64, the image of each item.</param>
    /// <param name="scores">[M] float32 scores in [0, 1] (or any values in (−1, 2)).</param>
    /// <param name="numImages">N as an int64 scalar.</param>
    /// <param name="limit">n as an int64 scalar or [1] tensor.</param>
    public static (OnnxValue Order, OnnxValue Rank) Select(OnnxGraph g, OnnxValue imageIndex, OnnxValue scores, OnnxValue numImages, OnnxValue limit)
    {
        using var _ = g.Scope("top_per_image");
        // float64 key: image·4 + (1 − score) keeps every float32 score distinct for any batch size.
        var key = g.Add(g.Mul(g.Cast(imageIndex, DataType.Double), g.Scalar(4.0)),
            g.Sub(g.Scalar(1.0), g.Cast(scores, DataType.Double)));
        var count = g.Shape(key, 0, 1);
        var (_, order) = g.TopK(key, count, axis: 0, largest: false);
        var sortedImage = g.Gather(imageIndex, order);
        var images = g.Unsqueeze(g.Range(g.Scalar(0L), numImages, g.Scalar(1L)), 0);              // [1, N]
        var perImage = g.ReduceSum(g.Cast(g.Equal(g.Unsqueeze(sortedImage, 1), images), DataType.Int64), 0, keepDims: false); // [N]
        var starts = g.Sub(g.CumSum(perImage, 0), perImage);
        var rank = g.Sub(g.Range(g.Scalar(0L), g.Squeeze(count, 0), g.Scalar(1L)), g.Gather(starts, sortedImage));
        var kept = g.Reshape(g.NonZero(g.Less(rank, limit)), -1);
        return (g.Gather(order, kept), g.Gather(rank, kept));
    }
}
