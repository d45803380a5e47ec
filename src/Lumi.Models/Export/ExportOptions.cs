namespace Lumi.Models.Export;

/// <summary>
/// Defaults written into an exported graph as its overridable inputs (a client may feed others), and the
/// architecture name recorded in its metadata. Null takes the model's own setting (<c>model.roi_heads.*</c>).
/// </summary>
public sealed record ExportOptions
{
    /// <summary>Default <c>score_threshold</c>: detections need a class probability above it.</summary>
    public double? ScoreThreshold { get; init; }

    /// <summary>Default <c>nms_threshold</c>: the IoU above which a lower-scoring box of the same class is dropped.</summary>
    public double? NmsThreshold { get; init; }

    /// <summary>Default <c>detections_per_image</c>.</summary>
    public int? DetectionsPerImage { get; init; }

    /// <summary><c>lumi.arch</c>; null: <c>fasterrcnn_&lt;backbone&gt;_fpn</c>.</summary>
    public string? Arch { get; init; }
}
