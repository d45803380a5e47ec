using System.Text.Json.Serialization;

namespace Lumi.Data.Metrics;

/// <summary>
/// Everything an evaluation computed: the headline number and how it was computed, the per-class table, the VOC and
/// COCO summaries and (not serialized) the precision–recall curves. <see cref="MetricsJson"/> writes it as JSON.
/// </summary>
public sealed record EvaluationResult
{
    public required HeadlineMetric Headline { get; init; }

    /// <summary>A short name of the headline number, e.g. "mAP@0.5 (VOC2007 11-point)".</summary>
    public required string HeadlineName { get; init; }

    /// <summary>The headline number; null when no class has non-difficult ground truth.</summary>
    public required double? HeadlineValue { get; init; }

    /// <summary>How the numbers were computed, in sentences, for people and for the JSON file.</summary>
    public required string Description { get; init; }

    public required int Images { get; init; }
    public required IReadOnlyList<ClassMetrics> Classes { get; init; }

    /// <summary>Names of the classes with no non-difficult ground truth: listed, and left out of every mean.</summary>
    public required IReadOnlyList<string> ClassesWithoutGroundTruth { get; init; }

    public required VocSummary Voc { get; init; }

    /// <summary>Null when COCO metrics were not requested.</summary>
    public required CocoSummary? Coco { get; init; }

    /// <summary>Per-class VOC precision–recall curves (empty when not requested). Not written to JSON: they can hold a point per detection.</summary>
    [JsonIgnore]
    public IReadOnlyList<PrecisionRecallCurve> Curves { get; init; } = [];
}
