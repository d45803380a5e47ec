namespace Lumi.Data.Metrics;

/// <summary>
/// The COCO outcome for one class. Arrays are indexed by area range (<see cref="CocoParameters.AreaRanges"/>) and, for
/// recall, by max-detections setting (<see cref="CocoParameters.MaxDetections"/>); null where the class has no
/// non-ignored ground truth in that range (pycocotools' -1, left out of the means).
/// </summary>
internal sealed record CocoClassOutcome(double?[] Ap, double? Ap50, double? Ap75, double?[][] Recall, int[] NonIgnoredGroundTruth);

/// <summary>
/// pycocotools' <c>COCOeval</c> for boxes (<c>evaluateImg</c> then <c>accumulate</c>), one class at a time.
/// </summary>
/// <remarks>
/// Per image: the detections by descending score (stable), at most 100; the ground truth with the ignored ones last
/// (difficult/crowd objects, and objects whose area is outside the range being evaluated). For each IoU threshold t, each
/// detection in turn takes the ground-truth box with the highest IoU ≥ min(t, 1 − 1e-10) among those not yet matched
/// (crowd boxes stay available), a later box winning a tie, and never moving from a non-ignored box to an ignored one.
/// A detection matched to an ignored box is ignored, and so is an unmatched detection whose own area is outside the
/// range. Then over all images: the first N detections of each image (N = 1, 10, 100), ordered by descending score
/// (ties in image order, then in score order within the image); precision is the envelope read at the 101 recall
/// thresholds; recall is the final recall. Areas are box areas on continuous coordinates. Precision is tp / (tp + fp)
/// without pycocotools' 2^-52 in the denominator (so a perfect class scores exactly 1, not 1 - 2^-52); ignored
/// detections add no point (in pycocotools they repeat the previous one, which changes no interpolated value).
/// </remarks>
internal static class CocoMatching
{
    private const int MaxDetectionsPerImage = 100;

    public static CocoClassOutcome Evaluate(ClassBuckets c)
    {
        double[] iouThresholds = CocoParameters.IouThresholdValues;
        double[] recallThresholds = CocoParameters.RecallThresholdValues;
        var areas = CocoParameters.AreaRanges;
        ReadOnlySpan<int> maxDets = CocoParameters.MaxDetections;
        int t = iouThresholds.Length, a = areas.Count, n = c.DetCount;

        // state[area][threshold * n + detection]: 0 false positive, 1 true positive, 2 ignored.
        var state = new byte[a][];
        for (int ai = 0; ai < a; ai++) state[ai] = new byte[t * n];
        var rank = new int[n];
        var nonIgnored = new int[a];
        double[] iou = [];
        var gtIgnore = new bool[0];
        var gtMatched = new bool[0];
        var gtOrder = new int[0];
        double[] gt = c.GtBoxes, det = c.DetBoxes;

        for (int image = 0; image < c.ImageCount; image++)
        {
            int g0 = c.GtImageStart[image], gCount = c.GtImageStart[image + 1] - g0;
            int d0 = c.DetImageStart[image], dAll = c.DetImageStart[image + 1] - d0;
            if (gCount == 0 && dAll == 0) continue;
            int dCount = Math.Min(dAll, MaxDetectionsPerImage);
            for (int k = 0; k < dAll; k++) rank[c.ByImageThenScore[d0 + k]] = k;

            if (iou.Length < dCount * gCount) iou = new double[dCount * gCount];
            if (gtIgnore.Length < gCount)
            {
                gtIgnore = new bool[gCount];
                gtMatched = new bool[gCount];
                gtOrder = new int[gCount];
            }
            for (int dk = 0; dk < dCount; dk++)
            {
                int d = c.ByImageThenScore[d0 + dk];
                for (int gk = 0; gk < gCount; gk++)
                {
                    int g = g0 + gk;
                    iou[dk * gCount + gk] = BoxOverlap.Iou(
                        det[4 * d], det[4 * d + 1], det[4 * d + 2], det[4 * d + 3],
                        gt[4 * g], gt[4 * g + 1], gt[4 * g + 2], gt[4 * g + 3],
                        crowd: c.GtDifficult[g]);
                }
            }

            for (int ai = 0; ai < a; ai++)
            {
                var (_, min, max) = areas[ai];
                int o = 0;
                for (int gk = 0; gk < gCount; gk++)
                {
                    int g = g0 + gk;
                    double area = (gt[4 * g + 2] - gt[4 * g]) * (gt[4 * g + 3] - gt[4 * g + 1]);
                    gtIgnore[gk] = c.GtDifficult[g] || area < min || area > max;
                    if (!gtIgnore[gk]) gtOrder[o++] = gk;
                }
                nonIgnored[ai] += o;
                for (int gk = 0; gk < gCount; gk++)
                    if (gtIgnore[gk]) gtOrder[o++] = gk;

                byte[] s = state[ai];
                for (int ti = 0; ti < t; ti++)
                {
                    Array.Clear(gtMatched, 0, gCount);
                    double floor = Math.Min(iouThresholds[ti], 1 - 1e-10);
                    for (int dk = 0; dk < dCount; dk++)
                    {
                        double best = floor;
                        int m = -1;
                        for (int j = 0; j < gCount; j++)
                        {
                            int gk = gtOrder[j];
                            if (gtMatched[gk] && !c.GtDifficult[g0 + gk]) continue;
                            if (m > -1 && !gtIgnore[m] && gtIgnore[gk]) break;
                            double v = iou[dk * gCount + gk];
                            if (v < best) continue;
                            best = v;
                            m = gk;
                        }
                        int d = c.ByImageThenScore[d0 + dk];
                        byte outcome;
                        if (m >= 0)
                        {
                            gtMatched[m] = true;
                            outcome = gtIgnore[m] ? (byte)2 : (byte)1;
                        }
                        else
                        {
                            double area = (det[4 * d + 2] - det[4 * d]) * (det[4 * d + 3] - det[4 * d + 1]);
                            outcome = area < min || area > max ? (byte)2 : (byte)0;
                        }
                        s[ti * n + d] = outcome;
                    }
                }
            }
        }

        var ap = new double?[a];
        double? ap50 = null, ap75 = null;
        var recall = new double?[a][];
        var rc = new double[n];
        var pr = new double[n];
        var q = new double[recallThresholds.Length];
        var perThreshold = new double[t];
        int ap75Index = Array.IndexOf(iouThresholds, 0.75);
        // The evaluation order (descending score, ties in image then detection order) keeping the first N of each image.
        var kept = new int[maxDets.Length][];
        for (int mi = 0; mi < maxDets.Length; mi++)
        {
            int maxDet = maxDets[mi];
            kept[mi] = Array.FindAll(c.ByScore, d => rank[d] < maxDet);
        }
        for (int ai = 0; ai < a; ai++)
        {
            recall[ai] = new double?[maxDets.Length];
            if (nonIgnored[ai] == 0) continue;
            byte[] s = state[ai];
            double npig = nonIgnored[ai];
            for (int mi = 0; mi < maxDets.Length; mi++)
            {
                int maxDet = maxDets[mi];
                bool precisionToo = maxDet == MaxDetectionsPerImage;
                double recallSum = 0;
                for (int ti = 0; ti < t; ti++)
                {
                    int tp = 0, fp = 0, k = 0;
                    int row = ti * n;
                    foreach (int d in kept[mi])
                    {
                        byte outcome = s[row + d];
                        if (outcome == 2) continue;
                        if (outcome == 1) tp++; else fp++;
                        rc[k] = tp / npig;
                        pr[k] = (double)tp / (tp + fp);
                        k++;
                    }
                    recallSum += tp / npig;
                    if (precisionToo)
                    {
                        AveragePrecision.InterpolatedPrecisionInPlace(rc.AsSpan(0, k), pr.AsSpan(0, k), recallThresholds, q);
                        perThreshold[ti] = q.Average();
                    }
                }
                recall[ai][mi] = recallSum / t;
                if (precisionToo)
                {
                    ap[ai] = perThreshold.Average();
                    if (ai == 0)
                    {
                        ap50 = perThreshold[0];
                        ap75 = perThreshold[ap75Index];
                    }
                }
            }
        }
        return new CocoClassOutcome(ap, ap50, ap75, recall, nonIgnored);
    }
}
