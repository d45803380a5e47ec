namespace Lumi.Data.Metrics;

/// <summary>
/// The precision–recall curve of one class under VOC matching (IoU ≥ <see cref="IouThreshold"/>): one point per
/// detection that counted as a true or a false positive, in evaluation order (descending score). Empty when the class
/// has no detections; recall is 0 throughout when it has no non-difficult ground truth.
/// </summary>
public sealed record PrecisionRecallCurve(
    int ClassIndex,
    string ClassName,
    int GroundTruth,
    double IouThreshold,
    IReadOnlyList<double> Recall,
    IReadOnlyList<double> Precision,
    IReadOnlyList<double> Score,
    double? Ap07,
    double? Ap12);
