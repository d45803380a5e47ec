namespace Lumi.Data.Metrics;

/// <summary>The VOC outcome for one class: the curve and both AP definitions.</summary>
internal sealed record VocClassOutcome(
    int TruePositives, int FalsePositives, int IgnoredDetections,
    double[] Recall, double[] Precision, double[] Score,
    double? Ap07, double? Ap12);

/// <summary>
/// Pascal VOC detection matching (the devkit's <c>VOCevaldet</c>), one class at a time, on continuous coordinates.
/// </summary>
/// <remarks>
/// Detections are taken by descending score, equal scores in image order and then in their order within the image.
/// Each is compared with every ground-truth box of its class in its image, difficult ones and already matched ones
/// included, and assigned to the one it overlaps most (the first of equal overlaps). When that IoU is at least the
/// threshold: a difficult box makes the detection neither a true nor a false positive; an unmatched box makes it a true
/// positive and the box matched; an already matched box makes it a false positive (a duplicate). Below the threshold,
/// or with no box in the image, it is a false positive. Recall is the cumulative true positives over the number of
/// non-difficult boxes, precision the cumulative true positives over the cumulative true and false positives; ignored
/// detections add no point to the curve (in the devkit they repeat the previous point, which changes no AP).
/// </remarks>
internal static class VocMatching
{
    public static VocClassOutcome Evaluate(ClassBuckets c, double iouThreshold)
    {
        var matched = new bool[c.GtCount];
        var isTp = new bool[c.DetCount];
        var scores = new double[c.DetCount];
        int kept = 0, ignored = 0;
        double[] gt = c.GtBoxes, det = c.DetBoxes;
        foreach (int d in c.ByScore)
        {
            int image = c.DetImage[d];
            double bestIou = double.NegativeInfinity;
            int best = -1;
            double x1 = det[4 * d], y1 = det[4 * d + 1], x2 = det[4 * d + 2], y2 = det[4 * d + 3];
            for (int g = c.GtImageStart[image]; g < c.GtImageStart[image + 1]; g++)
            {
                double iou = BoxOverlap.Iou(x1, y1, x2, y2, gt[4 * g], gt[4 * g + 1], gt[4 * g + 2], gt[4 * g + 3]);
                if (iou > bestIou)
                {
                    bestIou = iou;
                    best = g;
                }
            }
            bool tp = false;
            if (best >= 0 && bestIou >= iouThreshold)
            {
                if (c.GtDifficult[best])
                {
                    ignored++;
                    continue;
                }
                if (!matched[best])
                {
                    matched[best] = true;
                    tp = true;
                }
            }
            isTp[kept] = tp;
            scores[kept] = c.DetScores[d];
            kept++;
        }

        var recall = new double[kept];
        var precision = new double[kept];
        int tpSum = 0;
        for (int k = 0; k < kept; k++)
        {
            if (isTp[k]) tpSum++;
            recall[k] = c.NonDifficult > 0 ? (double)tpSum / c.NonDifficult : 0;
            precision[k] = (double)tpSum / (k + 1);
        }
        Array.Resize(ref scores, kept);
        double? ap07 = null, ap12 = null;
        if (c.NonDifficult > 0)
        {
            ap07 = AveragePrecision.ElevenPoint(recall, precision);
            ap12 = AveragePrecision.AreaUnderCurve(recall, precision);
        }
        return new VocClassOutcome(tpSum, kept - tpSum, ignored, recall, precision, scores, ap07, ap12);
    }
}
