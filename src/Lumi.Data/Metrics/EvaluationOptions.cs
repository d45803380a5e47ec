namespace Lumi.Data.Metrics;

/// <summary>What <see cref="DetectionEvaluator"/> computes and which number leads.</summary>
public sealed record EvaluationOptions
{
    /// <summary>The number reported first. Default: VOC2007 11-point mAP, the devkit's headline for VOC2007 test.</summary>
    public HeadlineMetric Headline { get; init; } = HeadlineMetric.Voc07;

    /// <summary>
    /// VOC's overlap threshold: a detection is a candidate true positive when its best IoU is at least this
    /// (the official devkit's <c>ovmax &gt;= VOCopts.minoverlap</c>, 0.5). Must lie in (0, 1].
    /// </summary>
    public double VocIouThreshold { get; init; } = 0.5;

    /// <summary>Whether to compute the COCO metrics too (required when <see cref="Headline"/> is COCO).</summary>
    public bool Coco { get; init; } = true;

    /// <summary>Whether to keep the per-class precision–recall curves (VOC matching) in the result.</summary>
    public bool Curves { get; init; } = true;
}
