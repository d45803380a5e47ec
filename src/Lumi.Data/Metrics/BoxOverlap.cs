namespace Lumi.Data.Metrics;

/// <summary>
/// Intersection over union on continuous 0-based coordinates: widths are <c>x2 - x1</c>, with no +1 (the VOC devkit adds
/// 1 because it works on 1-based inclusive pixel indices; Lumi's coordinates are continuous, <c>shared/DESIGN.md</c> §5).
/// Boxes that do not overlap with a positive width and height have IoU 0.
/// </summary>
internal static class BoxOverlap
{
    /// <summary>IoU of box a (a detection) and box b (a ground-truth box); <paramref name="crowd"/> divides by a's area instead of the union, as pycocotools does for <c>iscrowd</c> ground truth.</summary>
    public static double Iou(
        double ax1, double ay1, double ax2, double ay2,
        double bx1, double by1, double bx2, double by2,
        bool crowd = false)
    {
        double iw = Math.Min(ax2, bx2) - Math.Max(ax1, bx1);
        if (iw <= 0) return 0;
        double ih = Math.Min(ay2, by2) - Math.Max(ay1, by1);
        if (ih <= 0) return 0;
        double intersection = iw * ih;
        double areaA = (ax2 - ax1) * (ay2 - ay1);
        double union = crowd ? areaA : areaA + (bx2 - bx1) * (by2 - by1) - intersection;
        return intersection / union;
    }
}
