using Lumi.Models.Ops;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Models.RoiHeads;

/// <summary>
/// torchvision's <c>MultiScaleRoIAlign</c> over P2…P5: each box goes to level
/// ⌊4 + log2(√area / 224) + 1e-6⌋ clamped to the available levels, then RoIAlign at that level's scale.
/// </summary>
public sealed partial class MultiScaleRoiAlign
{
    private const double CanonicalScale = 224;
    private const double CanonicalLevel = 4;
    private const double Eps = 1e-6;

    public MultiScaleRoiAlign(int outputSize, int samplingRatio)
    {
        OutputSize = outputSize;
        SamplingRatio = samplingRatio;
    }

    public int OutputSize { get; }
    public int SamplingRatio { get; }

    /// <summary>The scale of a feature map relative to the images: 2^round(log2(feature / image)).</summary>
    public static double InferScale(long featureSize, long imageSize)
        => Math.Pow(2, Math.Round(Math.Log2((double)featureSize / imageSize), MidpointRounding.ToEven));

    /// <summary>Pooled features [Σ boxes, C, out, out] for the boxes of each image (in image pixels).</summary>
    /// <param name="features">The pooled levels (P2…P5).</param>
    /// <param name="boxes">Boxes per image.</param>
    /// <param name="imageSizes">Each image's (height, width) before padding; the largest sets the scales, as torchvision does.</param>
    public Tensor Forward(Tensor[] features, IReadOnlyList<Tensor> boxes, IReadOnlyList<(long Height, long Width)> imageSizes)
    {
        using var scope = NewDisposeScope();
        long maxH = imageSizes.Max(s => s.Height); // torchvision infers each scale from the height alone
        double[] scales = features.Select(f => InferScale(f.shape[2], maxH)).ToArray();

        var rois = ConvertToRoiFormat(boxes);
        if (features.Length == 1)
            return RoiAlign.Apply(features[0], rois, (OutputSize, OutputSize), scales[0], SamplingRatio, aligned: false).MoveToOuterDisposeScope();

        int kMin = (int)-Math.Log2(scales[0]);
        int kMax = (int)-Math.Log2(scales[^1]);
        var levels = MapLevels(cat(boxes.ToList(), 0), kMin, kMax);

        long numRois = rois.shape[0], channels = features[0].shape[1];
        var result = zeros(new[] { numRois, channels, OutputSize, OutputSize }, features[0].dtype, features[0].device);
        for (int level = 0; level < features.Length; level++)
        {
            var idx = levels.eq(level).nonzero().squeeze(1);
            if (idx.numel() == 0) continue;
            var pooled = RoiAlign.Apply(features[level], rois.index(idx), (OutputSize, OutputSize), scales[level], SamplingRatio, aligned: false);
            result.index_put_(pooled.to(result.dtype), idx);
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Level index (0-based from <paramref name="kMin"/>) of each box.</summary>
    public static Tensor MapLevels(Tensor boxes, int kMin, int kMax)
    {
        using var scope = NewDisposeScope();
        var s = Boxes.BoxArea(boxes).sqrt();
        var target = floor(CanonicalLevel + log2(s / CanonicalScale) + tensor(Eps, s.dtype, s.device));
        target = target.clamp(kMin, kMax);
        return (target.to(ScalarType.Int64) - kMin).MoveToOuterDisposeScope();
    }

    /// <summary>Boxes per image → rois [K, 5] = (image index, x1, y1, x2, y2).</summary>
    public static Tensor ConvertToRoiFormat(IReadOnlyList<Tensor> boxes)
    {
        using var scope = NewDisposeScope();
        var ids = boxes.Select((b, i) => full(new[] { b.shape[0], 1L }, i, b.dtype, b.device)).ToList();
        var rois = cat(new[] { cat(ids, 0), cat(boxes.ToList(), 0) }, 1);
        return rois.MoveToOuterDisposeScope();
    }
}
