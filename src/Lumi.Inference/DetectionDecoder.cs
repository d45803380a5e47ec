using Lumi.Data.Imaging;

namespace Lumi.Inference;

/// <summary>
/// Turns the graph's flat outputs (boxes [D, 4], scores [D], labels [D], batch_index [D], in the resized images'
/// pixels) into each image's <see cref="Detection"/>s in its original pixels: boxes scaled per axis by
/// <c>original / resized</c> (shared/DESIGN.md §1), clipped to the original image, sorted by score.
/// </summary>
public static class DetectionDecoder
{
    /// <param name="originals">Each image's original (width, height), in batch order.</param>
    /// <param name="resize">The rule that resized the originals for the graph.</param>
    /// <param name="className">The name of a 1-based label.</param>
    public static Detection[][] Decode(
        ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, ReadOnlySpan<long> labels, ReadOnlySpan<long> batchIndex,
        IReadOnlyList<(int Width, int Height)> originals, ResizeRule resize, Func<long, string> className)
    {
        ArgumentNullException.ThrowIfNull(originals);
        ArgumentNullException.ThrowIfNull(resize);
        ArgumentNullException.ThrowIfNull(className);
        int count = scores.Length;
        if (boxes.Length != 4 * count || labels.Length != count || batchIndex.Length != count)
        {
            throw new ArgumentException(
                $"the graph's outputs disagree: {boxes.Length} box values, {count} scores, {labels.Length} labels, {batchIndex.Length} batch indices; expected 4 box values per score");
        }
        var perImage = new List<Detection>[originals.Count];
        var scales = new BoxScale[originals.Count];
        for (int i = 0; i < originals.Count; i++)
        {
            perImage[i] = [];
            scales[i] = resize.ToOriginal(originals[i].Width, originals[i].Height);
        }
        for (int d = 0; d < count; d++)
        {
            long image = batchIndex[d];
            if (image < 0 || image >= originals.Count)
            {
                throw new ArgumentException($"detection {d} belongs to image {image}, but the batch holds {originals.Count}");
            }
            var (width, height) = originals[(int)image];
            BoxScale scale = scales[image];
            ReadOnlySpan<float> box = boxes.Slice(4 * d, 4);
            perImage[image].Add(new Detection(
                Math.Clamp(box[0] * scale.X, 0f, width),
                Math.Clamp(box[1] * scale.Y, 0f, height),
                Math.Clamp(box[2] * scale.X, 0f, width),
                Math.Clamp(box[3] * scale.Y, 0f, height),
                (int)labels[d],
                className(labels[d]),
                scores[d]));
        }
        var result = new Detection[originals.Count][];
        for (int i = 0; i < result.Length; i++)
        {
            // Stable: equal scores keep the graph's order.
            result[i] = [.. perImage[i].OrderByDescending(x => x.Score)];
        }
        return result;
    }
}
