namespace Lumi.Data.Metrics;

/// <summary>
/// One annotated object of an image, in Lumi's continuous 0-based pixel coordinates (<c>shared/DESIGN.md</c> §5):
/// a VOC box <c>xmin..xmax</c> (1-based, inclusive) is <c>X1 = xmin - 1, X2 = xmax</c>.
/// </summary>
/// <param name="ClassIndex">0-based index into the class names given to the evaluator.</param>
/// <param name="Difficult">
/// VOC's <c>difficult</c> flag (or COCO's <c>iscrowd</c>): an ignore region. VOC metrics do not count it as a positive,
/// and a detection matched to it is neither a true nor a false positive. COCO metrics treat it as pycocotools treats
/// <c>iscrowd = 1</c>: ignored, matched with IoU = intersection / detection area, and matchable by any number of detections.
/// </param>
public readonly record struct GroundTruthObject(double X1, double Y1, double X2, double Y2, int ClassIndex, bool Difficult = false)
{
    /// <summary><c>(X2 - X1) * (Y2 - Y1)</c>: continuous coordinates, no +1.</summary>
    public double Area => (X2 - X1) * (Y2 - Y1);
}
