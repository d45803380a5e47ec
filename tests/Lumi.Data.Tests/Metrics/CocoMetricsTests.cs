using Lumi.Data.Metrics;
using static Lumi.Data.Tests.Metrics.Cases;

namespace Lumi.Data.Tests.Metrics;

public sealed class CocoMetricsTests
{
    private const int Digits = 12;

    private static CocoSummary Coco(params EvaluationImage[] images) => Evaluate(images).Coco!;

    [Theory]
    [InlineData(7.2)] // IoU 0.72
    [InlineData(7.0)] // IoU 70/100 = 0.7, equal to numpy's 4 · 0.049999999999999996 + 0.5 = 0.7: counts (IoU >= t)
    public void DetectionAtIou0Point7CountsForThresholds0Point50To0Point70(double height)
    {
        // One object (0,0)-(10,10), one detection (0,0)-(10,h): a true positive at t = 0.50 … 0.70 (5 of 10 thresholds),
        // precision 1 at every recall threshold there, nothing found above → AP = 5/10, AR@100 = 5/10.
        // The object's area is 100 ≤ 32²: it is small; there is no medium or large object.
        var coco = Coco(Image("a", [Gt(0, 0, 10, 10)], Det(0, 0, 10, height, 0.9)));

        Assert.Equal(0.5, coco.Ap!.Value, Digits);
        Assert.Equal(1.0, coco.Ap50);
        Assert.Equal(0.0, coco.Ap75);
        Assert.Equal(0.5, coco.ApSmall!.Value, Digits);
        Assert.Null(coco.ApMedium);
        Assert.Null(coco.ApLarge);
        Assert.Equal(0.5, coco.Ar100!.Value, Digits);
        Assert.Equal(0.5, coco.Ar1!.Value, Digits);
    }

    [Fact]
    public void PerfectAndMissingDetections()
    {
        var perfect = Coco(Image("a", [Gt(0, 0, 50, 50), Gt(100, 100, 300, 300)], Det(0, 0, 50, 50, 0.9), Det(100, 100, 300, 300, 0.8)));
        Assert.Equal((1.0, 1.0, 1.0, 1.0), (perfect.Ap!.Value, perfect.ApMedium!.Value, perfect.ApLarge!.Value, perfect.Ar100!.Value));
        Assert.Null(perfect.ApSmall);

        var none = Coco(Image("a", [Gt(0, 0, 50, 50)]));
        Assert.Equal((0.0, 0.0), (none.Ap!.Value, none.Ar100!.Value));
    }

    [Fact]
    public void DuplicateIsAFalsePositive()
    {
        // Objects A, B; detections on A, A again, B (exact boxes, so every IoU threshold behaves alike).
        // Points (1/2, 1), (1/2, 1/2), (1, 2/3); envelope 1, 2/3, 2/3. Recall thresholds 0 … 0.50 (51 of them)
        // read 1, thresholds 0.51 … 1 (50) read 2/3 → AP = (51 + 50 · 2/3) / 101 = 253/303.
        var coco = Coco(Image("a", [Gt(0, 0, 10, 10), Gt(50, 50, 60, 60)],
            Det(0, 0, 10, 10, 0.9), Det(0, 0, 10, 10, 0.8), Det(50, 50, 60, 60, 0.7)));

        Assert.Equal(253.0 / 303, coco.Ap!.Value, Digits);
        Assert.Equal(1.0, coco.Ar100!.Value, Digits);
    }

    [Fact]
    public void DifficultObjectIsACrowdRegionThatIgnoresDetections()
    {
        // D is difficult (a crowd region for COCO): the two detections inside it are ignored, however many, since
        // crowd IoU is intersection / detection area (1 here); only A counts → AP 1.
        var coco = Coco(Image("a", [Gt(0, 0, 10, 10), Gt(100, 100, 200, 200, difficult: true)],
            Det(110, 110, 150, 150, 0.99), Det(150, 150, 190, 190, 0.98), Det(0, 0, 10, 10, 0.5)));

        Assert.Equal(1.0, coco.Ap!.Value, Digits);
    }

    [Fact]
    public void IgnoredObjectsAreTriedLast()
    {
        // A = (0,0)-(10,10) normal; D = (0,0.62)-(10,100) difficult. The detection (0,0)-(10,6.2) has IoU 0.62 with A and
        // crowd IoU 55.8/62 = 0.9 with D. At t = 0.50, 0.55, 0.60 it takes A (tried first; the search stops before ignored
        // objects once a normal one matched): a true positive. At t ≥ 0.65 A fails and D takes it: ignored, recall 0.
        // AP = 3/10, AR@100 = 3/10.
        var coco = Coco(Image("a", [Gt(0, 0, 10, 10), Gt(0, 0.62, 10, 100, difficult: true)], Det(0, 0, 10, 6.2, 0.9)));

        Assert.Equal(0.3, coco.Ap!.Value, Digits);
        Assert.Equal(0.3, coco.Ar100!.Value, Digits);
    }

    [Fact]
    public void DetectionsOutsideTheAreaRangeAreIgnoredUnlessMatched()
    {
        // A small object (area 100) found by a detection scored 0.9, and a large false positive (area 40000) scored 0.95.
        // All areas: FP then TP → points (0, 0), (1, 1/2) → AP 1/2. Small: the large FP is unmatched and outside the
        // range → ignored → AP 1. No medium or large object → those are null.
        var coco = Coco(Image("a", [Gt(0, 0, 10, 10)], Det(100, 100, 300, 300, 0.95), Det(0, 0, 10, 10, 0.9)));

        Assert.Equal(0.5, coco.Ap!.Value, Digits);
        Assert.Equal(1.0, coco.ApSmall!.Value, Digits);
        Assert.Null(coco.ApLarge);
        Assert.Null(coco.ArLarge);

        // A matched detection counts whatever its own area: a 100×100 detection (area 10000, large) on a 90×100 object
        // (area 9000 ≤ 96², medium) has IoU 0.9 → a true positive at t = 0.50 … 0.8999999999999999 (9 of 10) for medium.
        // For large, the object is outside the range (ignored) and the detection, matched to it, is ignored too → null.
        var matched = Coco(Image("b", [Gt(0, 0, 90, 100)], Det(0, 0, 100, 100, 0.9)));
        Assert.Equal(0.9, matched.ApMedium!.Value, Digits);
        Assert.Null(matched.ApLarge);
        Assert.Null(matched.ApSmall);
    }

    [Fact]
    public void AtMost100DetectionsPerImageAndClass()
    {
        // 99 or 100 false positives above the one true positive.
        static EvaluationImage WithFalsePositives(int count)
        {
            var dets = new List<Detection>();
            for (int k = 0; k < count; k++) dets.Add(Det(500 + k, 500, 510 + k, 510, 0.99 - k * 1e-4));
            dets.Add(Det(0, 0, 10, 10, 0.5));
            return new EvaluationImage("a", [Gt(0, 0, 10, 10)], dets);
        }

        var rank100 = Coco(WithFalsePositives(99));
        Assert.Equal((0.0, 0.0, 1.0), (rank100.Ar1!.Value, rank100.Ar10!.Value, rank100.Ar100!.Value));
        var rank101 = Coco(WithFalsePositives(100));
        Assert.Equal((0.0, 0.0), (rank101.Ar100!.Value, rank101.Ap!.Value));
    }

    [Fact]
    public void ClassesWithoutGroundTruthAreLeftOutOfTheCocoMeans()
    {
        string[] classes = ["cat", "dog"];
        var result = DetectionEvaluator.Evaluate(
            [Image("a", [Gt(0, 0, 10, 10)], Det(0, 0, 10, 10, 0.9), Det(0, 0, 10, 10, 0.9, cls: 1))],
            classes,
            new EvaluationOptions { Headline = HeadlineMetric.Coco });

        Assert.Equal(1.0, result.HeadlineValue);
        Assert.Equal("AP@[0.50:0.95] (COCO, 101-point)", result.HeadlineName);
        Assert.Equal(1.0, result.Classes[0].CocoAp);
        Assert.Null(result.Classes[1].CocoAp);
        Assert.Equal(1.0, result.Classes[0].Ap);
    }

    [Fact]
    public void CocoHeadlineNeedsCoco()
    {
        var ex = Assert.Throws<ArgumentException>(() => DetectionEvaluator.Evaluate([], ["cat"],
            new EvaluationOptions { Headline = HeadlineMetric.Coco, Coco = false }));
        Assert.Equal("Headline is Coco but Coco is false: the COCO metrics must be computed to lead with them. (Parameter 'options')", ex.Message);
    }
}
