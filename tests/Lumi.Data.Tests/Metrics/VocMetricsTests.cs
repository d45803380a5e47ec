using Lumi.Data.Metrics;
using static Lumi.Data.Tests.Metrics.Cases;

namespace Lumi.Data.Tests.Metrics;

public sealed class VocMetricsTests
{
    private const int Digits = 12;

    [Fact]
    public void PerfectDetectionsGiveApOne()
    {
        var result = Evaluate(
            Image("a", [Gt(0, 0, 10, 10), Gt(20, 20, 40, 50)], Det(0, 0, 10, 10, 0.9), Det(20, 20, 40, 50, 0.8)),
            Image("b", [Gt(5, 5, 15, 15)], Det(5, 5, 15, 15, 0.7)));

        var cat = result.Classes[0];
        Assert.Equal(1.0, cat.Ap07);
        Assert.Equal(1.0, cat.Ap12);
        Assert.Equal(1.0, result.Voc.Map07);
        Assert.Equal(1.0, result.HeadlineValue);
        Assert.Equal((3, 0, 3, 0), (cat.TruePositives, cat.FalsePositives, cat.GroundTruth, cat.Difficult));
    }

    [Fact]
    public void NoDetectionsGiveApZero()
    {
        var result = Evaluate(Image("a", [Gt(0, 0, 10, 10)]), Image("b", [Gt(1, 1, 5, 5)]));

        Assert.Equal(0.0, result.Classes[0].Ap07);
        Assert.Equal(0.0, result.Classes[0].Ap12);
        Assert.Equal(0.0, result.HeadlineValue);
        Assert.Empty(result.Curves[0].Recall);
    }

    [Fact]
    public void SecondDetectionOfTheSameObjectIsAFalsePositive()
    {
        // Two objects A and B; detections (by score) on A, on A again, on B.
        //   1: TP  recall 1/2  precision 1
        //   2: FP  recall 1/2  precision 1/2   (A is already matched)
        //   3: TP  recall 1    precision 2/3
        // Envelope: 1, 2/3, 2/3.  VOC12 = 1/2·1 + 1/2·2/3 = 5/6.
        // VOC07: t = 0..0.5 (6 points) → 1; t = 0.6..1 (5 points) → 2/3; (6 + 10/3) / 11 = 28/33.
        var result = Evaluate(Image("a", [Gt(0, 0, 10, 10), Gt(50, 50, 60, 60)],
            Det(0, 0, 10, 10, 0.9), Det(0.5, 0, 10, 10, 0.8), Det(50, 50, 60, 60, 0.7)));

        var cat = result.Classes[0];
        Assert.Equal((2, 1), (cat.TruePositives, cat.FalsePositives));
        Assert.Equal([0.5, 0.5, 1.0], result.Curves[0].Recall);
        Assert.Equal([1.0, 0.5, 2.0 / 3], result.Curves[0].Precision);
        Assert.Equal(5.0 / 6, cat.Ap12!.Value, Digits);
        Assert.Equal(28.0 / 33, cat.Ap07!.Value, Digits);
    }

    [Fact]
    public void DetectionOfADifficultObjectIsNeitherTrueNorFalsePositive()
    {
        // A is normal, D difficult. The best-scored detection hits D: ignored, so it adds no curve point. Then A is found
        // (recall 1, precision 1), then a detection far from everything (recall 1, precision 1/2). npos = 1; AP = 1.
        // Had the detection on D counted as a false positive, the first point would be (0, 0) and nothing would change
        // AP here, so the counts are asserted too.
        var result = Evaluate(Image("a", [Gt(0, 0, 10, 10), Gt(30, 30, 40, 40, difficult: true)],
            Det(30, 30, 40, 40, 0.95), Det(0, 0, 10, 10, 0.9), Det(100, 100, 110, 110, 0.1)));

        var cat = result.Classes[0];
        Assert.Equal((1, 1, 1, 1), (cat.GroundTruth, cat.Difficult, cat.TruePositives, cat.FalsePositives));
        Assert.Equal(1, cat.IgnoredDetections);
        Assert.Equal(3, cat.Detections);
        Assert.Equal([1.0, 1.0], result.Curves[0].Recall);
        Assert.Equal([1.0, 0.5], result.Curves[0].Precision);
        Assert.Equal(1.0, cat.Ap12);
        Assert.Equal(1.0, cat.Ap07);
    }

    [Fact]
    public void ClassWithoutGroundTruthIsLeftOutOfTheMeanAndNamed()
    {
        // cat: perfect (AP 1). dog: only detections, no ground truth. bird: only a difficult object.
        string[] classes = ["cat", "dog", "bird"];
        var images = new[]
        {
            Image("a", [Gt(0, 0, 10, 10), Gt(20, 20, 30, 30, cls: 2, difficult: true)],
                Det(0, 0, 10, 10, 0.9), Det(0, 0, 10, 10, 0.95, cls: 1), Det(20, 20, 30, 30, 0.5, cls: 2)),
        };

        var result = DetectionEvaluator.Evaluate(images, classes);

        Assert.Equal(["dog", "bird"], result.ClassesWithoutGroundTruth);
        Assert.Null(result.Classes[1].Ap07);
        Assert.Null(result.Classes[1].Ap12);
        Assert.Null(result.Classes[2].Ap07);
        Assert.Equal(1, result.Classes[1].Detections);
        Assert.Equal(1.0, result.Voc.Map07);
        Assert.Equal(1, result.Voc.ClassesEvaluated);
        Assert.Contains("mean over the 1 of 3 classes with at least one non-difficult ground-truth object; left out of every mean for having none: dog, bird.", result.Description);
    }

    [Fact]
    public void NoClassWithGroundTruthGivesNoHeadline()
    {
        var result = Evaluate(Image("a", [], Det(0, 0, 1, 1, 0.5)));

        Assert.Null(result.HeadlineValue);
        Assert.Null(result.Voc.Map07);
        Assert.Null(result.Coco!.Ap);
        Assert.Equal(["cat"], result.ClassesWithoutGroundTruth);
    }

    [Fact]
    public void EqualScoresAreTakenInImageOrderThenDetectionOrder()
    {
        // Every detection scores 0.5. Image "a" holds a false positive, image "b" a true positive; npos = 2.
        // Image order a, b: FP first → points (0, 0), (1/2, 1/2); VOC12 = 1/2 · 1/2 = 1/4.
        // Image order b, a: TP first → points (1/2, 1), (1/2, 1/2); VOC12 = 1/2 · 1 = 1/2.
        var a = Image("a", [Gt(0, 0, 10, 10)], Det(50, 50, 60, 60, 0.5));
        var b = Image("b", [Gt(0, 0, 10, 10)], Det(0, 0, 10, 10, 0.5));

        Assert.Equal(0.25, Evaluate(a, b).Classes[0].Ap12!.Value, Digits);
        Assert.Equal(0.5, Evaluate(b, a).Classes[0].Ap12!.Value, Digits);

        // Within one image, the detection listed first goes first.
        var fpFirst = Image("c", [Gt(0, 0, 10, 10), Gt(20, 20, 30, 30)], Det(50, 50, 60, 60, 0.5), Det(0, 0, 10, 10, 0.5));
        var tpFirst = Image("c", [Gt(0, 0, 10, 10), Gt(20, 20, 30, 30)], Det(0, 0, 10, 10, 0.5), Det(50, 50, 60, 60, 0.5));
        Assert.Equal(0.25, Evaluate(fpFirst).Classes[0].Ap12!.Value, Digits);
        Assert.Equal(0.5, Evaluate(tpFirst).Classes[0].Ap12!.Value, Digits);

        // A higher score still goes before a lower one whatever the image order.
        var late = Image("d", [Gt(0, 0, 10, 10)], Det(0, 0, 10, 10, 0.6));
        Assert.Equal([1.0, 0.5], Evaluate(a, late).Curves[0].Precision);
    }

    [Fact]
    public void ElevenPointAndAreaDifferOnAWorkedExample()
    {
        // Four objects, five detections by score: TP, FP, TP, FP, TP (one object never found).
        //   k  outcome  recall  precision   envelope
        //   1  TP       0.25    1           1
        //   2  FP       0.25    1/2         2/3
        //   3  TP       0.50    2/3         2/3
        //   4  FP       0.50    1/2         3/5
        //   5  TP       0.75    3/5         3/5
        // VOC12 (area): 0.25·1 + 0.25·2/3 + 0.25·3/5 = 1/4 + 1/6 + 3/20 = 17/30 ≈ 0.5667.
        // VOC07 (11-point): t = 0, 0.1, 0.2 → 1; t = 0.3, 0.4, 0.5 → 2/3; t = 0.6, 0.7 → 3/5; t = 0.8, 0.9, 1 → 0;
        //   (3 + 2 + 6/5) / 11 = 6.2 / 11 = 31/55 ≈ 0.5636.
        var images = new[]
        {
            Image("1", [Gt(0, 0, 10, 10)], Det(0, 0, 10, 10, 0.9)),
            Image("2", [Gt(0, 0, 10, 10)], Det(60, 60, 70, 70, 0.8), Det(0, 0, 10, 10, 0.7)),
            Image("3", [Gt(0, 0, 10, 10)], Det(60, 60, 70, 70, 0.6), Det(0, 0, 10, 10, 0.5)),
            Image("4", [Gt(0, 0, 10, 10)]),
        };

        var result = Evaluate(images);

        Assert.Equal([0.25, 0.25, 0.5, 0.5, 0.75], result.Curves[0].Recall);
        Assert.Equal(17.0 / 30, result.Classes[0].Ap12!.Value, Digits);
        Assert.Equal(31.0 / 55, result.Classes[0].Ap07!.Value, Digits);
        Assert.Equal(31.0 / 55, result.HeadlineValue!.Value, Digits);
        Assert.Equal(17.0 / 30, DetectionEvaluator.Evaluate(images, OneClass, new EvaluationOptions { Headline = HeadlineMetric.Voc12 }).HeadlineValue!.Value, Digits);
    }

    [Fact]
    public void IouIsOnContinuousCoordinatesAndHalfCounts()
    {
        // Object (0,0)-(10,10), area 100. A detection (0,0)-(10,5) has IoU 50/100 = 0.5 exactly: the devkit's
        // ovmax >= 0.5 makes it a true positive. (0,0)-(10,4.9) has IoU 0.49 without the +1: a false positive
        // (with the devkit's +1 on pixel indices it would be 11·5.9/121 ≈ 0.536).
        Assert.Equal(1, Evaluate(Image("a", [Gt(0, 0, 10, 10)], Det(0, 0, 10, 5, 0.9))).Classes[0].TruePositives);
        Assert.Equal(0, Evaluate(Image("a", [Gt(0, 0, 10, 10)], Det(0, 0, 10, 4.9, 0.9))).Classes[0].TruePositives);
    }

    [Fact]
    public void DetectionGoesToItsBestOverlapEvenWhenThatObjectIsTaken()
    {
        // A = (0,0)-(10,10), B = (0,2)-(10,12). The first detection is A exactly (TP). The second, (0,0.5)-(10,10.5),
        // overlaps A by 95/105 ≈ 0.90 and B by 85/115 ≈ 0.74. Its best is A, already matched: a false positive,
        // although its IoU with the free B would pass (the devkit does not fall back to the next-best object).
        var result = Evaluate(Image("a", [Gt(0, 0, 10, 10), Gt(0, 2, 10, 12)], Det(0, 0, 10, 10, 0.9), Det(0, 0.5, 10, 10.5, 0.8)));

        Assert.Equal((1, 1), (result.Classes[0].TruePositives, result.Classes[0].FalsePositives));
    }

    [Fact]
    public void ClassIndexOutOfRangeIsRejectedWithTheValidRange()
    {
        var ex = Assert.Throws<ArgumentException>(() => Evaluate(Image("x", [], Det(0, 0, 1, 1, 0.5, cls: 1))));
        Assert.Equal("Detection 0 of image 0 ('x') has class index 1: class indices are 0-based, valid 0..0 (1 classes). (Parameter 'images')", ex.Message);
    }

    [Fact]
    public void InvertedBoxAndNaNScoreAreRejected()
    {
        var box = Assert.Throws<ArgumentException>(() => Evaluate(Image("x", [Gt(5, 0, 1, 1)])));
        Assert.StartsWith("Ground-truth object 0 of image 0 ('x') has box (5, 0, 1, 1): coordinates must be finite with X2 >= X1 and Y2 >= Y1.", box.Message);
        var score = Assert.Throws<ArgumentException>(() => Evaluate(Image("x", [], Det(0, 0, 1, 1, double.NaN))));
        Assert.StartsWith("Detection 0 of image 0 ('x') has score NaN: scores must be finite.", score.Message);
    }

    [Fact]
    public void DescriptionSaysHowItWasComputed()
    {
        var result = Evaluate(Image("a", [Gt(0, 0, 10, 10)], Det(0, 0, 10, 10, 0.9)));

        Assert.Equal("mAP@0.5 (VOC2007 11-point)", result.HeadlineName);
        Assert.Contains("no +1", result.Description);
        Assert.Contains("equal scores in image order and then in their order within the image", result.Description);
        Assert.Contains("at IoU >= 0.5", result.Description);
    }
}
