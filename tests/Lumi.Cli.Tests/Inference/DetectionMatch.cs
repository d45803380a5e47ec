using Lumi.Inference;

namespace Lumi.Cli.Tests.Inference;

/// <summary>
/// Detections compared as matched sets: each expected one needs an unused actual one with the same label, IoU ≥ 0.999
/// and |Δscore| ≤ 1e-4, and the other way round. Detections within 1e-4 of the score threshold may be missing on
/// either side (float rounding decides them).
/// </summary>
public static class DetectionMatch
{
    public static int AssertSame(IReadOnlyList<Detection> expected, IReadOnlyList<Detection> actual, float threshold,
        double minIou = 0.999, float maxScoreDelta = 1e-4f)
    {
        Unmatched(expected, actual, threshold, minIou, maxScoreDelta, "expected");
        Unmatched(actual, expected, threshold, minIou, maxScoreDelta, "actual");
        return expected.Count;
    }

    private static void Unmatched(IReadOnlyList<Detection> from, IReadOnlyList<Detection> to, float threshold,
        double minIou, float maxScoreDelta, string side)
    {
        var used = new bool[to.Count];
        foreach (var d in from)
        {
            int best = -1;
            double bestIou = 0;
            for (int j = 0; j < to.Count; j++)
            {
                if (used[j] || to[j].Label != d.Label || Math.Abs(to[j].Score - d.Score) > maxScoreDelta) continue;
                double iou = Iou(d, to[j]);
                if (iou > bestIou) (best, bestIou) = (j, iou);
            }
            if (best >= 0 && bestIou >= minIou)
            {
                used[best] = true;
                Assert.Equal(d.ClassName, to[best].ClassName);
            }
            else
            {
                Assert.True(d.Score - threshold <= maxScoreDelta,
                    $"{side} {d} has no match (best IoU {bestIou:F5}) among {to.Count}");
            }
        }
    }

    public static double Iou(Detection a, Detection b)
    {
        double w = Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1), h = Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1);
        double inter = w > 0 && h > 0 ? w * h : 0;
        double union = (double)a.Width * a.Height + (double)b.Width * b.Height - inter;
        return union > 0 ? inter / union : (a == b ? 1 : 0);
    }
}
