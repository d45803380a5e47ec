namespace Lumi.Inference;

/// <summary>
/// Per-call settings fed to the graph's optional inputs (shared/DESIGN.md §4); null keeps the default
/// stored in the graph at export.
/// </summary>
public sealed record DetectionOverrides
{
    /// <summary><c>score_threshold</c>: detections need a class probability above it, in [0, 1].</summary>
    public float? ScoreThreshold { get; init; }

    /// <summary><c>detections_per_image</c>: at most this many per image, the most probable first.</summary>
    public int? MaxDetections { get; init; }

    /// <summary><c>nms_threshold</c>: the IoU above which a lower-scoring box of the same class is dropped, in [0, 1].</summary>
    public float? NmsThreshold { get; init; }
}
