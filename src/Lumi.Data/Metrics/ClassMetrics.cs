namespace Lumi.Data.Metrics;

/// <summary>One row of the per-class table. AP values are null where the class has no ground truth to measure against.</summary>
public sealed record ClassMetrics
{
    /// <summary>0-based class index.</summary>
    public required int Index { get; init; }
    public required string Name { get; init; }

    /// <summary>Non-difficult ground-truth objects (the positives AP is measured against).</summary>
    public required int GroundTruth { get; init; }

    /// <summary>Difficult (ignored) ground-truth objects.</summary>
    public required int Difficult { get; init; }

    /// <summary>Detections of this class, all of them.</summary>
    public required int Detections { get; init; }

    /// <summary>The headline metric's AP for this class.</summary>
    public required double? Ap { get; init; }

    /// <summary>VOC matching at the VOC IoU threshold: true positives, false positives, detections ignored on a difficult object.</summary>
    public required int TruePositives { get; init; }
    public required int FalsePositives { get; init; }
    public required int IgnoredDetections { get; init; }

    public required double? Ap07 { get; init; }
    public required double? Ap12 { get; init; }

    /// <summary>COCO per-class values (null when COCO was not computed or the class has no non-difficult ground truth).</summary>
    public double? CocoAp { get; init; }
    public double? CocoAp50 { get; init; }
    public double? CocoAp75 { get; init; }
    public double? CocoAr100 { get; init; }
}
