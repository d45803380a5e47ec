using Lumi.Data.Metrics;

namespace Lumi.Data.Tests.Metrics;

/// <summary>
/// A second, deliberately naive implementation of the same metrics, shaped like the programs that define them rather
/// than like Lumi's: the VOC devkit's per-class loop with tp/fp arrays (a detection on a difficult object stays in them
/// as 0/0, and MATLAB's max skips the resulting NaN), and pycocotools' evaluateImg/accumulate with per-image arrays
/// that keep ignored detections, its 2^-52 in the precision denominator and searchsorted. Written from the documented
/// semantics (no code copied); slow on purpose. Used only to cross-check the fast implementation on random cases.
/// </summary>
internal static class LiteralReference
{
    public sealed record CocoReference(double?[] ClassAp, double?[] ClassAp50, double?[] ClassAp75, double?[] ClassAr100, double?[] Stats);

    public static (double? Ap07, double? Ap12)[] Voc(IReadOnlyList<EvaluationImage> images, int classCount, double threshold)
    {
        var result = new (double?, double?)[classCount];
        for (int c = 0; c < classCount; c++)
        {
            var gt = images.Select(im => im.GroundTruth.Where(g => g.ClassIndex == c).ToList()).ToList();
            var detected = gt.Select(g => new bool[g.Count]).ToList();
            int npos = gt.Sum(g => g.Count(o => !o.Difficult));
            var dets = images.SelectMany((im, i) => im.Detections.Where(d => d.ClassIndex == c).Select(d => (Image: i, Det: d)))
                .OrderByDescending(x => x.Det.Score).ToList(); // LINQ's OrderBy is stable
            int nd = dets.Count;
            var tp = new double[nd];
            var fp = new double[nd];
            for (int d = 0; d < nd; d++)
            {
                var (i, bb) = dets[d];
                double ovmax = double.NegativeInfinity;
                int jmax = -1;
                for (int j = 0; j < gt[i].Count; j++)
                {
                    var g = gt[i][j];
                    double iw = Math.Min(bb.X2, g.X2) - Math.Max(bb.X1, g.X1);
                    double ih = Math.Min(bb.Y2, g.Y2) - Math.Max(bb.Y1, g.Y1);
                    if (iw > 0 && ih > 0)
                    {
                        double ua = (bb.X2 - bb.X1) * (bb.Y2 - bb.Y1) + (g.X2 - g.X1) * (g.Y2 - g.Y1) - iw * ih;
                        double ov = iw * ih / ua;
                        if (ov > ovmax) { ovmax = ov; jmax = j; }
                    }
                }
                if (ovmax >= threshold)
                {
                    if (!gt[i][jmax].Difficult)
                    {
                        if (!detected[i][jmax]) { tp[d] = 1; detected[i][jmax] = true; }
                        else fp[d] = 1;
                    }
                }
                else fp[d] = 1;
            }
            for (int d = 1; d < nd; d++) { tp[d] += tp[d - 1]; fp[d] += fp[d - 1]; }
            if (npos == 0) { result[c] = (null, null); continue; }
            var rec = tp.Select(x => x / npos).ToArray();
            var prec = tp.Select((x, d) => x / (x + fp[d])).ToArray();

            double ap07 = 0;
            for (int k = 0; k <= 10; k++)
            {
                double t = k / 10.0;
                var ps = prec.Where((p, d) => rec[d] >= t && !double.IsNaN(p)).ToList();
                ap07 += (ps.Count == 0 ? 0 : ps.Max()) / 11;
            }
            var mrec = new[] { 0.0 }.Concat(rec).Append(1.0).ToArray();
            var mpre = new[] { 0.0 }.Concat(prec).Append(0.0).ToArray();
            for (int k = mpre.Length - 2; k >= 0; k--) mpre[k] = NanMax(mpre[k], mpre[k + 1]);
            double ap12 = 0;
            for (int k = 1; k < mrec.Length; k++)
                if (mrec[k] != mrec[k - 1]) ap12 += (mrec[k] - mrec[k - 1]) * mpre[k];
            result[c] = (ap07, ap12);
        }
        return result;
    }

    private static double NanMax(double a, double b) => double.IsNaN(a) ? b : double.IsNaN(b) ? a : Math.Max(a, b);

    private sealed record ImageEval(double[] DtScores, bool[,] DtMatched, bool[,] DtIgnore, bool[] GtIgnore);

    public static CocoReference Coco(IReadOnlyList<EvaluationImage> images, int classCount)
    {
        double[] iouThrs = CocoParameters.IouThresholds.ToArray();
        double[] recThrs = CocoParameters.RecallThresholds.ToArray();
        int[] maxDets = CocoParameters.MaxDetections.ToArray();
        var areas = CocoParameters.AreaRanges;
        int T = iouThrs.Length, R = recThrs.Length, K = classCount, A = areas.Count, M = maxDets.Length;
        var precision = new double[T, R, K, A, M];
        var recall = new double[T, K, A, M];
        for (int t = 0; t < T; t++)
            for (int k = 0; k < K; k++)
                for (int a = 0; a < A; a++)
                    for (int m = 0; m < M; m++)
                    {
                        recall[t, k, a, m] = -1;
                        for (int r = 0; r < R; r++) precision[t, r, k, a, m] = -1;
                    }

        for (int k = 0; k < K; k++)
            for (int a = 0; a < A; a++)
            {
                var evals = images.Select(im => EvaluateImage(im, k, areas[a].Min, areas[a].Max, maxDets[^1], iouThrs))
                    .Where(e => e is not null).Select(e => e!).ToList();
                for (int m = 0; m < M; m++)
                {
                    var scores = new List<double>();
                    var matchedCols = new List<bool[]>();
                    var ignoreCols = new List<bool[]>();
                    foreach (var e in evals)
                        for (int d = 0; d < Math.Min(maxDets[m], e.DtScores.Length); d++)
                        {
                            scores.Add(e.DtScores[d]);
                            matchedCols.Add(Enumerable.Range(0, T).Select(t => e.DtMatched[t, d]).ToArray());
                            ignoreCols.Add(Enumerable.Range(0, T).Select(t => e.DtIgnore[t, d]).ToArray());
                        }
                    var inds = Enumerable.Range(0, scores.Count).OrderBy(i => -scores[i]).ToArray(); // stable
                    int npig = evals.Sum(e => e.GtIgnore.Count(x => !x));
                    if (npig == 0) continue;
                    for (int t = 0; t < T; t++)
                    {
                        int nd = inds.Length;
                        var tpSum = new double[nd];
                        var fpSum = new double[nd];
                        double tpc = 0, fpc = 0;
                        for (int j = 0; j < nd; j++)
                        {
                            bool dm = matchedCols[inds[j]][t], di = ignoreCols[inds[j]][t];
                            if (dm && !di) tpc++;
                            if (!dm && !di) fpc++;
                            tpSum[j] = tpc;
                            fpSum[j] = fpc;
                        }
                        var rc = tpSum.Select(x => x / npig).ToArray();
                        var pr = tpSum.Select((x, j) => x / (fpSum[j] + x + Math.Pow(2, -52))).ToArray();
                        recall[t, k, a, m] = nd > 0 ? rc[^1] : 0;
                        for (int j = nd - 1; j > 0; j--)
                            if (pr[j] > pr[j - 1]) pr[j - 1] = pr[j];
                        var q = new double[R];
                        for (int r = 0; r < R; r++)
                        {
                            int pi = 0;
                            while (pi < nd && rc[pi] < recThrs[r]) pi++; // searchsorted, side='left'
                            if (pi >= nd) break;
                            q[r] = pr[pi];
                        }
                        for (int r = 0; r < R; r++) precision[t, r, k, a, m] = q[r];
                    }
                }
            }

        double? MeanP(int? t, int a, int m, int? only = null)
        {
            var v = new List<double>();
            for (int ti = 0; ti < T; ti++)
            {
                if (t is { } tt && ti != tt) continue;
                for (int r = 0; r < R; r++)
                    for (int k = 0; k < K; k++)
                        if ((only is null || only == k) && precision[ti, r, k, a, m] > -1) v.Add(precision[ti, r, k, a, m]);
            }
            return v.Count == 0 ? null : v.Average();
        }
        double? MeanR(int a, int m, int? only = null)
        {
            var v = new List<double>();
            for (int ti = 0; ti < T; ti++)
                for (int k = 0; k < K; k++)
                    if ((only is null || only == k) && recall[ti, k, a, m] > -1) v.Add(recall[ti, k, a, m]);
            return v.Count == 0 ? null : v.Average();
        }
        int t50 = Array.IndexOf(iouThrs, 0.5), t75 = Array.IndexOf(iouThrs, 0.75);
        double?[] stats =
        [
            MeanP(null, 0, 2), MeanP(t50, 0, 2), MeanP(t75, 0, 2), MeanP(null, 1, 2), MeanP(null, 2, 2), MeanP(null, 3, 2),
            MeanR(0, 0), MeanR(0, 1), MeanR(0, 2), MeanR(1, 2), MeanR(2, 2), MeanR(3, 2),
        ];
        return new CocoReference(
            Enumerable.Range(0, K).Select(k => MeanP(null, 0, 2, k)).ToArray(),
            Enumerable.Range(0, K).Select(k => MeanP(t50, 0, 2, k)).ToArray(),
            Enumerable.Range(0, K).Select(k => MeanP(t75, 0, 2, k)).ToArray(),
            Enumerable.Range(0, K).Select(k => MeanR(0, 2, k)).ToArray(),
            stats);
    }

    private static ImageEval? EvaluateImage(EvaluationImage image, int c, double minArea, double maxArea, int maxDet, double[] iouThrs)
    {
        var gt = image.GroundTruth.Where(g => g.ClassIndex == c).ToList();
        var dt = image.Detections.Where(d => d.ClassIndex == c).ToList();
        if (gt.Count == 0 && dt.Count == 0) return null;
        var ignore = gt.Select(g => g.Difficult || g.Area < minArea || g.Area > maxArea).ToList();
        var gtind = Enumerable.Range(0, gt.Count).OrderBy(g => ignore[g] ? 1 : 0).ToArray();
        gt = gtind.Select(g => gt[g]).ToList();
        var gtIg = gtind.Select(g => ignore[g]).ToArray();
        dt = dt.OrderByDescending(d => d.Score).Take(maxDet).ToList();
        var iscrowd = gt.Select(g => g.Difficult).ToArray();
        int T = iouThrs.Length, G = gt.Count, D = dt.Count;
        var ious = new double[D, G];
        for (int d = 0; d < D; d++)
            for (int g = 0; g < G; g++)
            {
                var (a, b) = (dt[d], gt[g]);
                double w = Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1);
                double h = Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1);
                if (w <= 0 || h <= 0) continue;
                double i = w * h;
                ious[d, g] = i / (iscrowd[g] ? a.Area : a.Area + b.Area - i);
            }
        var gtm = new int[T, G];
        var dtm = new int[T, D];
        var dtIg = new bool[T, D];
        for (int t = 0; t < T; t++)
            for (int d = 0; d < D; d++)
            {
                double iou = Math.Min(iouThrs[t], 1 - 1e-10);
                int m = -1;
                for (int g = 0; g < G; g++)
                {
                    if (gtm[t, g] > 0 && !iscrowd[g]) continue;
                    if (m > -1 && !gtIg[m] && gtIg[g]) break;
                    if (ious[d, g] < iou) continue;
                    iou = ious[d, g];
                    m = g;
                }
                if (m == -1) continue;
                dtIg[t, d] = gtIg[m];
                dtm[t, d] = m + 1;
                gtm[t, m] = d + 1;
            }
        var matched = new bool[T, D];
        for (int t = 0; t < T; t++)
            for (int d = 0; d < D; d++)
            {
                matched[t, d] = dtm[t, d] != 0;
                bool outside = dt[d].Area < minArea || dt[d].Area > maxArea;
                dtIg[t, d] = dtIg[t, d] || (dtm[t, d] == 0 && outside);
            }
        return new ImageEval(dt.Select(d => d.Score).ToArray(), matched, dtIg, gtIg);
    }
}
