using Lumi.Models.Ops;
using static TorchSharp.torch;

namespace Lumi.Models.Tests.FasterRcnn;

/// <summary>Detections compared as matched sets: same label, IoU above a bound, scores within a slack.</summary>
public static class DetectionMatching
{
    /// <summary>The lowest kept score when an image was capped (a threshold in effect), else -∞.</summary>
    public static double Cut(Tensor scores, int cap) =>
        scores.shape[0] >= cap ? scores.min().item<float>() : double.NegativeInfinity;

    public static (int Total, int Matched) CountMatches(Tensor boxes, Tensor scores, Tensor labels,
        Tensor otherBoxes, Tensor otherScores, Tensor otherLabels, double cut, double threshold, double scoreSlack, double minIou = 0.99)
    {
        var s = scores.data<float>().ToArray();
        var l = labels.data<long>().ToArray();
        var os = otherScores.data<float>().ToArray();
        var ol = otherLabels.data<long>().ToArray();
        var iou = otherBoxes.shape[0] == 0 ? null : Boxes.BoxIou(boxes, otherBoxes);
        int total = 0, matched = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (Math.Abs(s[i] - threshold) <= scoreSlack || Math.Abs(s[i] - cut) <= scoreSlack) continue;
            total++;
            if (iou is null) continue;
            var row = iou[i].data<float>().ToArray();
            for (int j = 0; j < os.Length; j++)
            {
                if (ol[j] == l[i] && row[j] >= minIou && Math.Abs(os[j] - s[i]) <= scoreSlack)
                {
                    matched++;
                    break;
                }
            }
        }
        return (total, matched);
    }
}
