namespace Lumi.Models.Tests.Export;

/// <summary>
/// Compares two images' detections as matched sets: a detection matches one of the other set with the same label,
/// IoU ≥ <c>minIou</c> and |Δscore| ≤ <c>scoreTolerance</c>. Detections whose score lies within
/// <c>scoreTolerance</c> of the score threshold (or of the lowest kept score when an image was capped) may be
/// missing from either side; every other detection must match, and those counts must be equal.
/// </summary>
public static class DetectionSets
{
    public sealed record Result(int Expected, int Actual, int Compared, int Unmatched, int UnmatchedReverse, double WorstIou, double WorstScoreDelta,
        IReadOnlyList<string> Misses)
    {
        public override string ToString() =>
            $"expected {Expected}, actual {Actual}, compared {Compared}, unmatched {Unmatched}/{UnmatchedReverse}, worst IoU {WorstIou:F6}, worst |Δscore| {WorstScoreDelta:E2}"
            + string.Concat(Misses.Take(12).Select(m => Environment.NewLine + "  " + m));
    }

    public static Result Compare(ImageDetections expected, ImageDetections actual, double scoreThreshold, int cap,
        double minIou = 0.999, double scoreTolerance = 1e-4)
    {
        double cut = Math.Max(Cut(expected, cap), Cut(actual, cap));
        bool Slack(float s) => Math.Abs(s - scoreThreshold) <= scoreTolerance || s <= cut + scoreTolerance;
        var misses = new List<string>();
        var (unmatched, worstIou, worstDelta, compared) = OneWay(expected, actual, Slack, minIou, scoreTolerance, misses, "expected");
        var (reverse, worstIou2, worstDelta2, _) = OneWay(actual, expected, Slack, minIou, scoreTolerance, misses, "actual");
        return new Result(expected.Count, actual.Count, compared, unmatched, reverse,
            Math.Min(worstIou, worstIou2), Math.Max(worstDelta, worstDelta2), misses);
    }

    /// <summary>Asserts the rule above and returns the measured worst IoU and score difference.</summary>
    public static Result AssertMatch(ImageDetections expected, ImageDetections actual, double scoreThreshold, int cap,
        double minIou = 0.999, double scoreTolerance = 1e-4)
    {
        var r = Compare(expected, actual, scoreThreshold, cap, minIou, scoreTolerance);
        Assert.True(r.Unmatched == 0 && r.UnmatchedReverse == 0, r.ToString());
        return r;
    }

    /// <summary>The lowest kept score when an image holds <paramref name="cap"/> detections (a threshold in effect), else −∞.</summary>
    private static double Cut(ImageDetections d, int cap) => d.Count >= cap ? d.Scores.Min() : double.NegativeInfinity;

    private static (int Unmatched, double WorstIou, double WorstDelta, int Compared) OneWay(ImageDetections a, ImageDetections b,
        Func<float, bool> slack, double minIou, double scoreTolerance, List<string> misses, string side)
    {
        int unmatched = 0, compared = 0;
        double worstIou = 1, worstDelta = 0;
        var used = new bool[b.Count];
        for (int i = 0; i < a.Count; i++)
        {
            if (slack(a.Scores[i])) continue;
            compared++;
            int best = -1;
            double bestIou = -1;
            for (int j = 0; j < b.Count; j++)
            {
                if (used[j] || b.Labels[j] != a.Labels[i] || Math.Abs(b.Scores[j] - a.Scores[i]) > scoreTolerance) continue;
                double iou = Iou(a.Boxes.AsSpan(4 * i, 4), b.Boxes.AsSpan(4 * j, 4));
                if (iou > bestIou) { bestIou = iou; best = j; }
            }
            if (best < 0 || bestIou < minIou)
            {
                unmatched++;
                misses.Add($"{side} #{i} label {a.Labels[i]} score {a.Scores[i]:F6} box [{string.Join(", ", a.Boxes.Skip(4 * i).Take(4).Select(v => v.ToString("F3")))}]: "
                    + (best < 0 ? "no same-label box within the score tolerance" : $"best IoU {bestIou:F6} (score {b.Scores[best]:F6})"));
                continue;
            }
            used[best] = true;
            worstIou = Math.Min(worstIou, bestIou);
            worstDelta = Math.Max(worstDelta, Math.Abs(b.Scores[best] - a.Scores[i]));
        }
        return (unmatched, worstIou, worstDelta, compared);
    }

    public static double Iou(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double iw = Math.Max(0, Math.Min(a[2], b[2]) - Math.Max(a[0], b[0]));
        double ih = Math.Max(0, Math.Min(a[3], b[3]) - Math.Max(a[1], b[1]));
        double inter = iw * ih;
        double union = (double)(a[2] - a[0]) * (a[3] - a[1]) + (double)(b[2] - b[0]) * (b[3] - b[1]) - inter;
        return union <= 0 ? (a.SequenceEqual(b) ? 1 : 0) : inter / union;
    }
}
