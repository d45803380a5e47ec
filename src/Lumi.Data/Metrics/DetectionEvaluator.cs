using System.Globalization;
using System.Text;

namespace Lumi.Data.Metrics;

/// <summary>
/// Pascal VOC (2007 11-point and 2010+ area) and COCO detection metrics over a set of images. The same code serves
/// <c>lumi eval</c> and the trainer's periodic validation.
/// </summary>
public static class DetectionEvaluator
{
    /// <summary>
    /// Evaluates <paramref name="images"/> (each with its ground truth and detections, continuous 0-based coordinates)
    /// for the classes <paramref name="classNames"/> (class index k names <c>classNames[k]</c>).
    /// </summary>
    /// <exception cref="ArgumentException">A class index out of range, a box that is not finite or has X2 &lt; X1 or
    /// Y2 &lt; Y1, a score that is not finite, an empty class list, or options that contradict each other.</exception>
    public static EvaluationResult Evaluate(IReadOnlyList<EvaluationImage> images, IReadOnlyList<string> classNames, EvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(classNames);
        options ??= new EvaluationOptions();
        if (classNames.Count == 0)
            throw new ArgumentException("classNames is empty: give the name of every class, index 0 first.", nameof(classNames));
        for (int k = 0; k < classNames.Count; k++)
            if (string.IsNullOrEmpty(classNames[k]))
                throw new ArgumentException($"classNames[{k}] is null or empty: every class needs a name.", nameof(classNames));
        if (!(options.VocIouThreshold > 0 && options.VocIouThreshold <= 1))
            throw new ArgumentException($"VocIouThreshold is {options.VocIouThreshold.ToString(CultureInfo.InvariantCulture)}: it must lie in (0, 1].", nameof(options));
        if (options.Headline == HeadlineMetric.Coco && !options.Coco)
            throw new ArgumentException("Headline is Coco but Coco is false: the COCO metrics must be computed to lead with them.", nameof(options));
        if (!Enum.IsDefined(options.Headline))
            throw new ArgumentException($"Headline {(int)options.Headline} is unknown. Valid: {string.Join(", ", Enum.GetNames<HeadlineMetric>())}.", nameof(options));

        var buckets = ClassBuckets.Build(images, classNames.Count);
        var voc = new VocClassOutcome[buckets.Length];
        var coco = new CocoClassOutcome?[buckets.Length];
        Parallel.For(0, buckets.Length, c =>
        {
            voc[c] = VocMatching.Evaluate(buckets[c], options.VocIouThreshold);
            if (options.Coco) coco[c] = CocoMatching.Evaluate(buckets[c]);
        });

        var rows = new ClassMetrics[buckets.Length];
        var curves = new List<PrecisionRecallCurve>();
        var withoutGt = new List<string>();
        for (int c = 0; c < buckets.Length; c++)
        {
            var b = buckets[c];
            var v = voc[c];
            var k = coco[c];
            if (b.NonDifficult == 0) withoutGt.Add(classNames[c]);
            rows[c] = new ClassMetrics
            {
                Index = c,
                Name = classNames[c],
                GroundTruth = b.NonDifficult,
                Difficult = b.GtCount - b.NonDifficult,
                Detections = b.DetCount,
                Ap = options.Headline switch
                {
                    HeadlineMetric.Voc07 => v.Ap07,
                    HeadlineMetric.Voc12 => v.Ap12,
                    _ => k?.Ap[0],
                },
                TruePositives = v.TruePositives,
                FalsePositives = v.FalsePositives,
                IgnoredDetections = v.IgnoredDetections,
                Ap07 = v.Ap07,
                Ap12 = v.Ap12,
                CocoAp = k?.Ap[0],
                CocoAp50 = k?.Ap50,
                CocoAp75 = k?.Ap75,
                CocoAr100 = k?.Recall[0][2],
            };
            if (options.Curves)
                curves.Add(new PrecisionRecallCurve(c, classNames[c], b.NonDifficult, options.VocIouThreshold, v.Recall, v.Precision, v.Score, v.Ap07, v.Ap12));
        }

        int evaluated = buckets.Length - withoutGt.Count;
        var vocSummary = new VocSummary(
            options.VocIouThreshold,
            evaluated,
            MeanOfPresent(rows.Select(r => r.Ap07)),
            MeanOfPresent(rows.Select(r => r.Ap12)));
        CocoSummary? cocoSummary = options.Coco ? SummarizeCoco(coco!) : null;
        double? headlineValue = options.Headline switch
        {
            HeadlineMetric.Voc07 => vocSummary.Map07,
            HeadlineMetric.Voc12 => vocSummary.Map12,
            _ => cocoSummary!.Ap,
        };

        return new EvaluationResult
        {
            Headline = options.Headline,
            HeadlineName = HeadlineName(options),
            HeadlineValue = headlineValue,
            Description = Describe(options, classNames.Count, evaluated, withoutGt),
            Images = images.Count,
            Classes = rows,
            ClassesWithoutGroundTruth = withoutGt,
            Voc = vocSummary,
            Coco = cocoSummary,
            Curves = curves,
        };
    }

    /// <summary>The headline's short name, e.g. "mAP@0.5 (VOC2007 11-point)".</summary>
    public static string HeadlineName(EvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string t = Format(options.VocIouThreshold);
        return options.Headline switch
        {
            HeadlineMetric.Voc07 => $"mAP@{t} (VOC2007 11-point)",
            HeadlineMetric.Voc12 => $"mAP@{t} (VOC2010+ area under the curve)",
            _ => "AP@[0.50:0.95] (COCO, 101-point)",
        };
    }

    private static CocoSummary SummarizeCoco(CocoClassOutcome[] k) => new()
    {
        Ap = MeanOfPresent(k.Select(o => o.Ap[0])),
        Ap50 = MeanOfPresent(k.Select(o => o.Ap50)),
        Ap75 = MeanOfPresent(k.Select(o => o.Ap75)),
        ApSmall = MeanOfPresent(k.Select(o => o.Ap[1])),
        ApMedium = MeanOfPresent(k.Select(o => o.Ap[2])),
        ApLarge = MeanOfPresent(k.Select(o => o.Ap[3])),
        Ar1 = MeanOfPresent(k.Select(o => o.Recall[0][0])),
        Ar10 = MeanOfPresent(k.Select(o => o.Recall[0][1])),
        Ar100 = MeanOfPresent(k.Select(o => o.Recall[0][2])),
        ArSmall = MeanOfPresent(k.Select(o => o.Recall[1][2])),
        ArMedium = MeanOfPresent(k.Select(o => o.Recall[2][2])),
        ArLarge = MeanOfPresent(k.Select(o => o.Recall[3][2])),
    };

    private static double? MeanOfPresent(IEnumerable<double?> values)
    {
        double sum = 0;
        int count = 0;
        foreach (var v in values)
        {
            if (v is not { } x) continue;
            sum += x;
            count++;
        }
        return count == 0 ? null : sum / count;
    }

    private static string Describe(EvaluationOptions options, int classCount, int evaluated, List<string> withoutGt)
    {
        string t = Format(options.VocIouThreshold);
        var s = new StringBuilder();
        s.Append($"Headline: {HeadlineName(options)}, the mean over the {evaluated} of {classCount} classes with at least one non-difficult ground-truth object");
        s.Append(withoutGt.Count == 0
            ? ". "
            : $"; left out of every mean for having none: {string.Join(", ", withoutGt)}. ");
        s.Append("Boxes are in continuous 0-based pixel coordinates and IoU uses widths x2 - x1 with no +1 (the VOC devkit adds 1 on its 1-based pixel indices). ");
        s.Append($"Pascal VOC: per class, detections are taken by descending score, equal scores in image order and then in their order within the image; ");
        s.Append($"each is assigned to the ground-truth box of its image it overlaps most; at IoU >= {t} it is a true positive if that box is unmatched, ");
        s.Append("a false positive if it was already matched (a duplicate), and neither if the box is difficult; otherwise a false positive. ");
        s.Append("VOC2007 AP is the 11-point interpolated precision (mean of the maximum precision at recall >= 0, 0.1, ..., 1); ");
        s.Append("VOC2010+ AP is the area under the monotone precision envelope. ");
        if (options.Coco)
        {
            s.Append("COCO: pycocotools COCOeval semantics for boxes: per image and class at most 100 detections by score; ");
            s.Append("greedy matching by descending score to the unmatched ground truth with the best IoU, ignored ground truth (difficult objects, as iscrowd, and objects outside the area range) tried last; ");
            s.Append("detections matched to ignored ground truth, and unmatched detections outside the area range, are ignored; ");
            s.Append("AP averages the precision envelope at recall 0:0.01:1 over IoU 0.50:0.05:0.95; small/medium/large split box areas at 32^2 and 96^2; AR@N is the recall with N detections per image and class, averaged over the IoU thresholds.");
        }
        return s.ToString().TrimEnd();
    }

    private static string Format(double value) => value.ToString("0.0##", CultureInfo.InvariantCulture);
}
