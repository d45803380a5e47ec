using Lumi.Data.Metrics;

namespace Lumi.Data.Tests.Metrics;

/// <summary>
/// The fast evaluator against <see cref="LiteralReference"/> on random cases built to reach every rule: score ties
/// (scores on a 0.1 grid), difficult objects, duplicates, images over 100 detections of one class, objects of every
/// area range, classes without ground truth. pycocotools itself is not installable here (no Debian package in bookworm,
/// PyPI unreachable), so this is the closest oracle available.
/// </summary>
public sealed class CrossCheckTests
{
    private const double Tolerance = 1e-12;

    private static EvaluationImage[] RandomCase(int seed, int classCount)
    {
        var rng = new Random(seed);
        var images = new EvaluationImage[25];
        for (int i = 0; i < images.Length; i++)
        {
            var gt = new List<GroundTruthObject>();
            var dets = new List<Detection>();
            int objects = rng.Next(6);
            for (int k = 0; k < objects; k++)
            {
                double size = rng.Next(3) switch { 0 => 5 + rng.NextDouble() * 30, 1 => 30 + rng.NextDouble() * 70, _ => 90 + rng.NextDouble() * 200 };
                double w = size * (0.6 + 0.8 * rng.NextDouble()), h = size * (0.6 + 0.8 * rng.NextDouble());
                double x = rng.NextDouble() * 300, y = rng.NextDouble() * 300;
                int cls = rng.Next(classCount - 1); // the last class never has ground truth
                gt.Add(new(x, y, x + w, y + h, cls, Difficult: rng.NextDouble() < 0.15));
                int copies = rng.Next(4);
                for (int c = 0; c < copies; c++)
                {
                    double j = (rng.NextDouble() - 0.5) * 0.6;
                    dets.Add(new(x + j * w, y + j * h, x + w + j * w * rng.NextDouble(), y + h, cls, Math.Round(rng.NextDouble(), 1)));
                }
            }
            int noise = i % 7 == 3 ? 110 : rng.Next(8);
            int noiseClass = rng.Next(classCount);
            for (int k = 0; k < noise; k++)
            {
                double w = 2 + rng.NextDouble() * 150, h = 2 + rng.NextDouble() * 150;
                double x = rng.NextDouble() * 350, y = rng.NextDouble() * 350;
                dets.Add(new(x, y, x + w, y + h, noise > 100 ? noiseClass : rng.Next(classCount), Math.Round(rng.NextDouble(), 1)));
            }
            images[i] = new EvaluationImage($"{i}", gt, dets);
        }
        return images;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void MatchesTheLiteralReference(int seed)
    {
        const int classCount = 4;
        var images = RandomCase(seed, classCount);
        var result = DetectionEvaluator.Evaluate(images, ["a", "b", "c", "never"]);
        var voc = LiteralReference.Voc(images, classCount, 0.5);
        var coco = LiteralReference.Coco(images, classCount);

        for (int c = 0; c < classCount; c++)
        {
            var row = result.Classes[c];
            Near(voc[c].Ap07, row.Ap07, $"class {c} ap07");
            Near(voc[c].Ap12, row.Ap12, $"class {c} ap12");
            Near(coco.ClassAp[c], row.CocoAp, $"class {c} coco ap");
            Near(coco.ClassAp50[c], row.CocoAp50, $"class {c} coco ap50");
            Near(coco.ClassAp75[c], row.CocoAp75, $"class {c} coco ap75");
            Near(coco.ClassAr100[c], row.CocoAr100, $"class {c} coco ar100");
        }
        var s = result.Coco!;
        double?[] stats = [s.Ap, s.Ap50, s.Ap75, s.ApSmall, s.ApMedium, s.ApLarge, s.Ar1, s.Ar10, s.Ar100, s.ArSmall, s.ArMedium, s.ArLarge];
        for (int k = 0; k < stats.Length; k++) Near(coco.Stats[k], stats[k], $"coco stat {k}");
        Assert.Contains("never", result.ClassesWithoutGroundTruth);
        Assert.True(result.Coco!.Ap > 0.05, $"the case should find something: AP {result.Coco.Ap}");
    }

    private static void Near(double? expected, double? actual, string what)
    {
        Assert.True(expected.HasValue == actual.HasValue, $"{what}: expected {expected?.ToString() ?? "null"}, got {actual?.ToString() ?? "null"}");
        if (expected is { } e) Assert.True(Math.Abs(e - actual!.Value) <= Tolerance, $"{what}: expected {e:R}, got {actual:R}");
    }
}
