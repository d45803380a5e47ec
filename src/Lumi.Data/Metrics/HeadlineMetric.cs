namespace Lumi.Data.Metrics;

/// <summary>Which number an evaluation reports first.</summary>
public enum HeadlineMetric
{
    /// <summary>Pascal VOC2007 mAP at IoU 0.5 with 11-point interpolated AP (the official VOC2007 test metric).</summary>
    Voc07,

    /// <summary>Pascal VOC2010+ mAP at IoU 0.5, AP as the area under the monotone precision envelope.</summary>
    Voc12,

    /// <summary>COCO AP averaged over IoU 0.50:0.05:0.95 with 101-point interpolation (pycocotools' first number).</summary>
    Coco,
}
