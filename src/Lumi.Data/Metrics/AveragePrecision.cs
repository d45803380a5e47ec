namespace Lumi.Data.Metrics;

/// <summary>
/// Average precision from a precision–recall curve, the three ways detection benchmarks define it. The curve's points
/// are in evaluation order (descending score), one per detection that counts as a true or false positive; recall never
/// decreases along it.
/// </summary>
public static class AveragePrecision
{
    /// <summary>
    /// VOC2007's 11-point interpolated AP: the mean over t = 0, 0.1, …, 1 of the highest precision at recall ≥ t
    /// (0 where the curve never reaches t). The thresholds are <c>k / 10.0</c>, the doubles nearest to the decimal
    /// values, so a recall of exactly 3/10 reaches t = 0.3 (numpy's <c>arange(0, 1.1, 0.1)</c>, which some Python ports use,
    /// gives 0.30000000000000004 there and would not).
    /// </summary>
    public static double ElevenPoint(IReadOnlyList<double> recall, IReadOnlyList<double> precision)
    {
        CheckSameLength(recall, precision);
        double sum = 0;
        for (int k = 0; k <= 10; k++)
        {
            double t = k / 10.0, best = 0;
            for (int i = 0; i < recall.Count; i++)
                if (recall[i] >= t && precision[i] > best) best = precision[i];
            sum += best;
        }
        return sum / 11;
    }

    /// <summary>
    /// VOC2010+ AP: the area under the monotone precision envelope. Recall is extended with 0 at the start and 1 at the
    /// end (precision 0 at both), precision is replaced by its running maximum from the right, and the area is the sum of
    /// <c>(r[i] - r[i-1]) * p[i]</c> over the points where recall changes.
    /// </summary>
    public static double AreaUnderCurve(IReadOnlyList<double> recall, IReadOnlyList<double> precision)
    {
        CheckSameLength(recall, precision);
        int n = recall.Count;
        var r = new double[n + 2];
        var p = new double[n + 2];
        r[n + 1] = 1;
        for (int i = 0; i < n; i++)
        {
            r[i + 1] = recall[i];
            p[i + 1] = precision[i];
        }
        for (int i = n; i >= 0; i--)
            if (p[i + 1] > p[i]) p[i] = p[i + 1];
        double area = 0;
        for (int i = 1; i <= n + 1; i++)
            if (r[i] != r[i - 1]) area += (r[i] - r[i - 1]) * p[i];
        return area;
    }

    /// <summary>
    /// COCO's interpolated precision at the recall thresholds (pycocotools: 0, 0.01, …, 1): the precision envelope
    /// (running maximum from the right) read at the first point whose recall is ≥ the threshold, 0 where none is.
    /// </summary>
    /// <param name="result">Receives one precision per threshold.</param>
    public static void InterpolatedPrecision(ReadOnlySpan<double> recall, ReadOnlySpan<double> precision, ReadOnlySpan<double> recallThresholds, Span<double> result)
    {
        if (recall.Length != precision.Length)
            throw new ArgumentException($"recall has {recall.Length} points and precision {precision.Length}: they must have the same length.");
        if (result.Length != recallThresholds.Length)
            throw new ArgumentException($"result has length {result.Length}: it must have one slot per recall threshold ({recallThresholds.Length}).");
        InterpolatedPrecisionInPlace(recall, precision.ToArray(), recallThresholds, result);
    }

    /// <summary><see cref="InterpolatedPrecision"/> that turns <paramref name="precision"/> into its envelope instead of copying it.</summary>
    internal static void InterpolatedPrecisionInPlace(ReadOnlySpan<double> recall, Span<double> precision, ReadOnlySpan<double> recallThresholds, Span<double> result)
    {
        int n = recall.Length;
        for (int i = n - 1; i > 0; i--)
            if (precision[i] > precision[i - 1]) precision[i - 1] = precision[i];
        int k = 0;
        for (int j = 0; j < recallThresholds.Length; j++)
        {
            while (k < n && recall[k] < recallThresholds[j]) k++;
            result[j] = k < n ? precision[k] : 0;
        }
    }

    /// <summary>COCO's AP for one IoU threshold: the mean of <see cref="InterpolatedPrecision"/> over the 101 recall thresholds.</summary>
    public static double Coco101Point(IReadOnlyList<double> recall, IReadOnlyList<double> precision)
    {
        CheckSameLength(recall, precision);
        var thresholds = CocoParameters.RecallThresholds;
        Span<double> q = stackalloc double[thresholds.Length];
        InterpolatedPrecision(recall.ToArray(), precision.ToArray(), thresholds, q);
        double sum = 0;
        foreach (double v in q) sum += v;
        return sum / q.Length;
    }

    private static void CheckSameLength(IReadOnlyList<double> recall, IReadOnlyList<double> precision)
    {
        ArgumentNullException.ThrowIfNull(recall);
        ArgumentNullException.ThrowIfNull(precision);
        if (recall.Count != precision.Count)
            throw new ArgumentException($"recall has {recall.Count} points and precision {precision.Count}: they must have the same length.");
    }
}
