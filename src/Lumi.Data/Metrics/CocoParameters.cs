namespace Lumi.Data.Metrics;

/// <summary>
/// pycocotools' default bounding-box evaluation parameters, with the thresholds computed exactly as numpy's
/// <c>linspace</c> computes them (<c>start + j * step</c>, the last one set to the end), so that an IoU or a recall
/// equal to a threshold is decided as pycocotools decides it.
/// </summary>
public static class CocoParameters
{
    /// <summary>0.50, 0.55, …, 0.95 (ten thresholds).</summary>
    public static ReadOnlySpan<double> IouThresholds => IouThresholdValues;

    /// <summary>0, 0.01, …, 1 (101 thresholds).</summary>
    public static ReadOnlySpan<double> RecallThresholds => RecallThresholdValues;

    /// <summary>Detections kept per image and class, in descending score, for the recall summaries; the last one also for AP.</summary>
    public static ReadOnlySpan<int> MaxDetections => [1, 10, 100];

    /// <summary>Box-area ranges, inclusive at both ends: all, small (≤ 32²), medium (32²..96²), large (≥ 96²).</summary>
    public static IReadOnlyList<(string Name, double Min, double Max)> AreaRanges { get; } =
    [
        ("all", 0, 1e5 * 1e5),
        ("small", 0, 32 * 32),
        ("medium", 32 * 32, 96 * 96),
        ("large", 96 * 96, 1e5 * 1e5),
    ];

    internal static readonly double[] IouThresholdValues = Linspace(0.5, 0.95, 10);
    internal static readonly double[] RecallThresholdValues = Linspace(0.0, 1.0, 101);

    private static double[] Linspace(double start, double stop, int count)
    {
        var values = new double[count];
        double step = (stop - start) / (count - 1);
        for (int j = 0; j < count; j++) values[j] = j * step + start;
        values[^1] = stop;
        return values;
    }
}
