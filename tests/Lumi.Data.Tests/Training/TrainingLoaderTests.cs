using Lumi.Data.Augmentation;
using Lumi.Data.Imaging;
using Lumi.Data.Synthetic;
using Lumi.Data.Training;
using Lumi.Data.Voc;

namespace Lumi.Data.Tests.Training;

/// <summary>The training loader: reproducible batches whatever the threads, ordered output, bad images skipped once.</summary>
public sealed class TrainingLoaderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"lumi-loader-{Guid.NewGuid():N}");

    public TrainingLoaderTests()
    {
        SyntheticVoc.Write(_root, new SyntheticVocOptions { Images = 16, Width = 64, Height = 48, Seed = 5, TrainFraction = 1, ValFraction = 0 });
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private IReadOnlyList<TrainingImage> Images(string difficult = "ignore") =>
        TrainingSet.ForTraining(VocDataset.Load(new VocReadOptions { Roots = [_root], Split = "train" }), difficult, out _);

    private TrainingLoader Loader(int workers, int prefetch = 2, long maxPixels = 64_000_000, List<string>? warnings = null) =>
        new(Images(), AugmentationPipeline.Create(new AugmentationOptions { HorizontalFlip = new FlipOptions { Probability = 0.5 } }, new ResizeRule(40, 100)),
            new TrainingLoaderOptions { BatchSize = 3, Workers = workers, Prefetch = prefetch, MaxPixels = maxPixels, Seed = 9 },
            warnings is null ? null : w => { lock (warnings) warnings.Add(w); });

    [Fact]
    public void BatchesAreTheSameWhateverTheNumberOfWorkersAndWhereReadingStarts()
    {
        var one = Loader(workers: 1, prefetch: 1);
        var four = Loader(workers: 4, prefetch: 3);
        int[][] plan = one.Plan(epoch: 2);
        Assert.Equal(plan, four.Plan(epoch: 2));
        var a = one.Read(2, plan).ToList();
        var b = four.Read(2, plan).ToList();
        var tail = four.Read(2, plan, start: 3).ToList();
        Assert.Equal(plan.Length, a.Count);
        Assert.Equal(Enumerable.Range(0, plan.Length), a.Select(x => x.Index));
        foreach (var (x, y) in a.Zip(b).Concat(a.Skip(3).Zip(tail)))
        {
            Assert.Equal(x.Ids, y.Ids);
            Assert.Equal(x.Images!.Data, y.Images!.Data);
            Assert.Equal(x.Boxes, y.Boxes);
            Assert.Equal(x.Labels, y.Labels);
        }
        // Resized by the pipeline (short side 40) and padded to a multiple of 32.
        Assert.All(a, x => Assert.All(x.Images!.Sizes, s => Assert.Equal(40, s.Height)));
        Assert.All(a, x => Assert.Equal((64, 64), (x.Images!.Height, x.Images.Width)));
    }

    [Fact]
    public void EveryImageComesOnceAnEpochInAnOrderThatDependsOnSeedAndEpoch()
    {
        double[] ratios = Enumerable.Range(0, 50).Select(i => i % 3 == 0 ? 0.5 : i % 3 == 1 ? 1.0 : 2.0).ToArray();
        int[][] plan = BatchPlan.ForEpoch(ratios, batchSize: 4, groupFactor: 3, seed: 1, epoch: 0);
        Assert.Equal(Enumerable.Range(0, 50), plan.SelectMany(b => b).Order());
        Assert.Equal(plan, BatchPlan.ForEpoch(ratios, 4, 3, 1, 0));
        Assert.NotEqual(plan, BatchPlan.ForEpoch(ratios, 4, 3, 1, 1));
        Assert.NotEqual(plan, BatchPlan.ForEpoch(ratios, 4, 3, 2, 0));
        // Full batches hold one aspect ratio; only the leftovers at the end mix them.
        var full = plan.TakeWhile(b => b.Length == 4 && b.Select(i => ratios[i]).Distinct().Count() == 1).Count();
        Assert.True(full >= 10, $"only {full} grouped batches");
        Assert.All(BatchPlan.ForEpoch(ratios, 4, 0, 1, 0).SkipLast(1), b => Assert.Equal(4, b.Length));
    }

    [Fact]
    public void AnUndecodableImageIsSkippedWithOneWarningAndCounted()
    {
        var images = Images();
        string broken = images[4].Source.ImagePath;
        File.WriteAllText(broken, "not a jpeg");
        var warnings = new List<string>();
        var loader = Loader(workers: 2, warnings: warnings);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            var batches = loader.Read(epoch, loader.Plan(epoch)).ToList();
            Assert.Equal(images.Count - 1, batches.Sum(b => b.Count));
        }
        Assert.Equal(1, loader.SkippedImages);
        string warning = Assert.Single(warnings);
        Assert.StartsWith($"warning: skipping image '{images[4].Id}' ({broken}: ", warning);
        Assert.EndsWith("); training goes on without it", warning);
    }

    [Fact]
    public void AnImageAboveThePixelLimitIsSkippedWithTheLimitNamed()
    {
        var warnings = new List<string>();
        var loader = Loader(workers: 1, maxPixels: 1000, warnings: warnings);
        var batches = loader.Read(0, loader.Plan(0)).ToList();
        Assert.All(batches, b => Assert.Null(b.Images));
        Assert.Equal(16, loader.SkippedImages);
        Assert.Contains(warnings, w => w.Contains("64x48 = 3072 pixels is more than the limit of 1000 (data.max_pixels); raise the limit if the image is genuine", StringComparison.Ordinal));
    }

    [Fact]
    public void DifficultObjectsFollowTheConfiguredRule()
    {
        var dataset = VocDataset.Load(new VocReadOptions { Roots = [_root], Split = "train" });
        VocImage image = dataset.Images[0] with { Objects = [.. dataset.Images[0].Objects.Select((o, k) => k == 0 ? o with { Difficult = true } : o)] };
        int total = image.Objects.Count;
        Assert.Equal(total - 1, TrainingSet.GroundTruth(image, "drop").Count);
        Assert.True(TrainingSet.GroundTruth(image, "ignore")[0].Difficult);
        Assert.False(TrainingSet.GroundTruth(image, "include")[0].Difficult);
        var e = Assert.Throws<Errors.UsageException>(() => TrainingSet.GroundTruth(image, "skip"));
        Assert.Equal("data.difficult: 'skip' is not one of ignore, include, drop", e.Message);
    }
}
