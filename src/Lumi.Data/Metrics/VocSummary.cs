namespace Lumi.Data.Metrics;

/// <summary>Pascal VOC mean AP over the classes with at least one non-difficult ground-truth object (null when none has).</summary>
public sealed record VocSummary(double IouThreshold, int ClassesEvaluated, double? Map07, double? Map12);
