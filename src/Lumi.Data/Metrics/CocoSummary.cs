namespace Lumi.Data.Metrics;

/// <summary>
/// pycocotools' twelve summary numbers for boxes, in its order. Each is the mean over the classes that have
/// non-ignored ground truth in the area range concerned; null where no class has (pycocotools prints -1).
/// AP uses at most 100 detections per image and class.
/// </summary>
public sealed record CocoSummary
{
    public required double? Ap { get; init; }
    public required double? Ap50 { get; init; }
    public required double? Ap75 { get; init; }
    public required double? ApSmall { get; init; }
    public required double? ApMedium { get; init; }
    public required double? ApLarge { get; init; }
    public required double? Ar1 { get; init; }
    public required double? Ar10 { get; init; }
    public required double? Ar100 { get; init; }
    public required double? ArSmall { get; init; }
    public required double? ArMedium { get; init; }
    public required double? ArLarge { get; init; }
}
