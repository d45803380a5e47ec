using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Models.Matching;

/// <summary>
/// Assigns each prediction (column of an IoU matrix [gt, predictions]) the ground truth it overlaps most,
/// or <see cref="BelowLowThreshold"/> / <see cref="BetweenThresholds"/> — torchvision's <c>det_utils.Matcher</c>.
/// </summary>
public sealed class Matcher
{
    public const long BelowLowThreshold = -1;
    public const long BetweenThresholds = -2;

    public Matcher(double highThreshold, double lowThreshold, bool allowLowQualityMatches)
    {
        if (lowThreshold > highThreshold)
            throw new ArgumentException($"low threshold {lowThreshold} must be <= high threshold {highThreshold}");
        HighThreshold = highThreshold;
        LowThreshold = lowThreshold;
        AllowLowQualityMatches = allowLowQualityMatches;
    }

    public double HighThreshold { get; }
    public double LowThreshold { get; }
    public bool AllowLowQualityMatches { get; }

    /// <summary>Match index per prediction (int64), given IoU [num_gt, num_predictions] with num_gt ≥ 1.</summary>
    public Tensor Match(Tensor matchQuality)
    {
        if (matchQuality.shape[0] == 0)
            throw new ArgumentException("matching needs at least one ground-truth box", nameof(matchQuality));
        using var scope = NewDisposeScope();
        var (matchedVals, matches) = matchQuality.max(0);
        var allMatches = AllowLowQualityMatches ? matches.clone() : null;
        var below = matchedVals.lt(LowThreshold);
        var between = matchedVals.ge(LowThreshold).logical_and(matchedVals.lt(HighThreshold));
        matches = matches.masked_fill(below, BelowLowThreshold).masked_fill(between, BetweenThresholds);
        if (allMatches is not null)
        {
            // Every ground truth keeps the predictions it overlaps most, even below the threshold.
            var (highestPerGt, _) = matchQuality.max(1);
            var pairs = matchQuality.eq(highestPerGt.unsqueeze(1)).nonzero();
            var predIndices = pairs[.., 1];
            matches = matches.index_put_(allMatches.index(predIndices), predIndices);
        }
        return matches.MoveToOuterDisposeScope();
    }
}
