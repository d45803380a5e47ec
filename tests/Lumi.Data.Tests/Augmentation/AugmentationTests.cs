using Lumi.Data.Augmentation;
using Lumi.Data.Errors;
using Lumi.Data.Imaging;

namespace Lumi.Data.Tests.Augmentation;

public sealed class AugmentationTests
{
    private static readonly int[] Seeds = Enumerable.Range(0, 12).ToArray();

    [Fact]
    public void HorizontalFlipMirrorsBoxesWithThePixels()
    {
        TrainSample flipped = new HorizontalFlip(1).Apply(BoxPixels.Sample(), new Random(1));
        Assert.Equal([66, 6, 91, 20, 26, 30, 56, 60, 6, 2, 21, 40], flipped.Boxes);
        BoxPixels.AssertBoxesFollowPixels(flipped, tolerance: 0);
    }

    [Fact]
    public void VerticalFlipMirrorsBoxesWithThePixels()
    {
        TrainSample flipped = new VerticalFlip(1).Apply(BoxPixels.Sample(), new Random(1));
        Assert.Equal([5, 44, 30, 58, 40, 4, 70, 34, 75, 24, 90, 62], flipped.Boxes);
        BoxPixels.AssertBoxesFollowPixels(flipped, tolerance: 0);
    }

    [Fact]
    public void AStepWithProbabilityZeroReturnsTheSampleItself()
    {
        TrainSample sample = BoxPixels.Sample();
        Assert.Same(sample, new HorizontalFlip(0).Apply(sample, new Random(1)));
        Assert.Same(sample, new ZoomOut(new ZoomOutOptions()).Apply(sample, new Random(1)));
    }

    [Fact]
    public void PhotometricDistortionChangesColoursButNotWhereTheyAre()
    {
        var options = new PhotometricOptions { Probability = 1, Brightness = [0.6, 1.4], Contrast = [0.6, 1.4], Saturation = [0.7, 1.3], Hue = [-0.1, 0.1] };
        TrainSample sample = BoxPixels.Sample();
        foreach (int seed in Seeds)
        {
            TrainSample result = new PhotometricDistortion(options).Apply(sample, new Random(seed));
            Assert.Equal(sample.Boxes, result.Boxes);
            Assert.NotEqual(sample.Image.Data, result.Image.Data);
            Assert.All(result.Image.Data, v => Assert.InRange(v, 0f, 1f));
            BoxPixels.AssertBoxesFollowPixels(result, tolerance: 0);
        }
    }

    [Fact]
    public void HueShiftOfAThirdTurnsRedIntoGreen()
    {
        var options = new PhotometricOptions { Probability = 1, Brightness = [1, 1], Contrast = [1, 1], Saturation = [1, 1], Hue = [1 / 3.0, 1 / 3.0] };
        TrainSample result = new PhotometricDistortion(options).Apply(BoxPixels.Sample(), new Random(0));
        Assert.Equal((0f, 1f, 0f), (result.Image[0, 10, 10], result.Image[1, 10, 10], result.Image[2, 10, 10]), new FloatTripleComparer(1e-5f));
        Assert.Equal(0.5f, result.Image[1, 0, 0]);
    }

    [Fact]
    public void ZoomOutMovesBoxesWithThePixelsOntoAFilledCanvas()
    {
        var options = new ZoomOutOptions { Probability = 1, MaxRatio = 3 };
        foreach (int seed in Seeds)
        {
            TrainSample result = new ZoomOut(options).Apply(BoxPixels.Sample(), new Random(seed));
            Assert.InRange(result.Image.Width, 96, 288);
            BoxPixels.AssertBoxesFollowPixels(result, tolerance: 0);
            float[] corner = [result.Image[0, 0, 0], result.Image[1, 0, 0], result.Image[2, 0, 0]];
            float[] far = [result.Image[0, result.Image.Height - 1, result.Image.Width - 1], result.Image[1, result.Image.Height - 1, result.Image.Width - 1], result.Image[2, result.Image.Height - 1, result.Image.Width - 1]];
            Assert.True(corner.SequenceEqual([0.485f, 0.456f, 0.406f]) || far.SequenceEqual([0.485f, 0.456f, 0.406f]) || result.Image.Width == 96);
        }
    }

    [Fact]
    public void RandomCropKeepsBoxesConsistentAndLeavesNoUnlabelledPieces()
    {
        var options = new RandomCropOptions { Probability = 1, MinScale = 0.3, MinVisible = 0.6 };
        int cropped = 0, dropped = 0;
        foreach (int seed in Enumerable.Range(0, 40))
        {
            TrainSample sample = BoxPixels.Sample();
            TrainSample result = new RandomCrop(options).Apply(sample, new Random(seed));
            BoxPixels.AssertBoxesFollowPixels(result, tolerance: 0);
            Assert.NotEmpty(result.Labels);
            for (int i = 0; i < result.Count; i++)
            {
                int original = Array.IndexOf(sample.Labels, result.Labels[i]);
                float area = (sample.Boxes[4 * original + 2] - sample.Boxes[4 * original]) * (sample.Boxes[4 * original + 3] - sample.Boxes[4 * original + 1]);
                float kept = (result.Boxes[4 * i + 2] - result.Boxes[4 * i]) * (result.Boxes[4 * i + 3] - result.Boxes[4 * i + 1]);
                Assert.True(kept >= 0.6 * area - 1e-3, $"seed {seed}: label {result.Labels[i]} keeps {kept} of {area}");
            }
            cropped += result.Image.Width < 96 || result.Image.Height < 64 ? 1 : 0;
            dropped += 3 - result.Count;
        }
        Assert.True(cropped > 30 && dropped > 10, $"{cropped} crops, {dropped} boxes dropped");
    }

    [Fact]
    public void RandomCropWithAnImpossibleConditionLeavesTheImageAlone()
    {
        TrainSample sample = BoxPixels.Sample();
        Assert.Same(sample, new RandomCrop(new RandomCropOptions { Probability = 1, MinIou = 1, MinScale = 0.3 }).Apply(sample, new Random(3)));
    }

    [Fact]
    public void MultiScaleResizeScalesBoxesWithThePixels()
    {
        var options = new MultiScaleOptions { MinSizes = [32, 100, 150, 200] };
        var sizes = new HashSet<int>();
        foreach (int seed in Seeds)
        {
            TrainSample result = new MultiScaleResize(new ResizeRule(64, 1000), options).Apply(BoxPixels.Sample(), new Random(seed));
            sizes.Add(result.Image.Height);
            Assert.Equal(new ResizeRule(result.Image.Height, 1000).OutputSize(96, 64).Width, result.Image.Width);
            BoxPixels.AssertBoxesFollowPixels(result, tolerance: 1);
        }
        Assert.True(sizes.Count >= 3, string.Join(", ", sizes));
    }

    [Fact]
    public void TheFinalResizeFollowsTheModelsRuleAndDoesNotResampleAtScaleOne()
    {
        TrainSample sample = BoxPixels.Sample();
        TrainSample same = AugmentationPipeline.Create(new AugmentationOptions { HorizontalFlip = new() }, new ResizeRule(64, 96)).Apply(sample, new Random(0));
        Assert.Same(sample, same);

        TrainSample larger = AugmentationPipeline.Create(new AugmentationOptions { HorizontalFlip = new() }, new ResizeRule(100, 1333)).Apply(sample, new Random(0));
        Assert.Equal((150, 100), (larger.Image.Width, larger.Image.Height));
        Assert.Equal(ResizeRule.BilinearResize(sample.Image, 150, 100).Data, larger.Image.Data);
        BoxPixels.AssertBoxesFollowPixels(larger, tolerance: 1);
    }

    [Fact]
    public void ThePipelineRunsTheConfiguredOrderEndsWithTheResizeAndSkipsStepsThatAreOff()
    {
        var options = new AugmentationOptions
        {
            Order = ["random_crop", "horizontal_flip", "photometric"],
            RandomCrop = new() { Probability = 0.5 },
            ZoomOut = new() { Probability = 1 },
        };
        AugmentationPipeline pipeline = AugmentationPipeline.Create(options, new ResizeRule(64, 96));
        Assert.Equal([typeof(RandomCrop), typeof(HorizontalFlip), typeof(MultiScaleResize)], pipeline.Steps.Select(s => s.GetType()));
        Assert.Equal([typeof(PhotometricDistortion), typeof(HorizontalFlip), typeof(MultiScaleResize)],
            AugmentationPipeline.Create(new AugmentationOptions { Photometric = new() { Probability = 0.5 } }, new ResizeRule()).Steps.Select(s => s.GetType()));
    }

    [Fact]
    public void TheWholePipelineIsReproducibleForASeedKeepsBoxesOnThePixelsAndNeverTouchesItsInput()
    {
        var options = new AugmentationOptions
        {
            VerticalFlip = new() { Probability = 0.5 },
            Photometric = new() { Probability = 0.8 },
            RandomCrop = new() { Probability = 0.5 },
            ZoomOut = new() { Probability = 0.5 },
            MultiScale = new() { MinSizes = [48, 64, 80] },
        };
        AugmentationPipeline pipeline = AugmentationPipeline.Create(options, new ResizeRule(64, 200));
        TrainSample sample = BoxPixels.Sample();
        float[] before = (float[])sample.Image.Data.Clone();
        foreach (int seed in Seeds)
        {
            TrainSample a = pipeline.Apply(sample, new Random(seed));
            TrainSample b = pipeline.Apply(sample, new Random(seed));
            Assert.Equal(a.Image.Data.AsSpan(0, a.Image.Length).ToArray(), b.Image.Data.AsSpan(0, b.Image.Length).ToArray());
            Assert.Equal(a.Boxes, b.Boxes);
            Assert.Equal(a.Labels, b.Labels);
            BoxPixels.AssertBoxesFollowPixels(a, tolerance: 1);
        }
        Assert.Equal(before, sample.Image.Data);
        Assert.NotEqual(pipeline.Apply(sample, new Random(1)).Boxes, pipeline.Apply(sample, new Random(2)).Boxes);
    }

    [Fact]
    public void AnUnknownStepInTheOrderIsAUsageError()
    {
        var e = Assert.Throws<UsageException>(() => AugmentationPipeline.Create(new AugmentationOptions { Order = ["flip"] }, new ResizeRule()));
        Assert.Equal("data.augmentation.order: [flip] is not allowed: each step at most once, from: photometric, zoom_out, random_crop, horizontal_flip, vertical_flip", e.Message);
    }

    [Fact]
    public void ASampleWithTheWrongNumberOfBoxValuesIsRefused()
    {
        TrainSample sample = BoxPixels.Sample() with { Labels = [1] };
        var e = Assert.Throws<ArgumentException>(() => AugmentationPipeline.Create(new AugmentationOptions(), new ResizeRule()).Apply(sample, new Random(0)));
        Assert.Equal("sample 'rects': 12 box values for 1 labels; expected 4 per label", e.Message);
    }

    private sealed class FloatTripleComparer(float tolerance) : IEqualityComparer<(float, float, float)>
    {
        public bool Equals((float, float, float) a, (float, float, float) b) =>
            Math.Abs(a.Item1 - b.Item1) <= tolerance && Math.Abs(a.Item2 - b.Item2) <= tolerance && Math.Abs(a.Item3 - b.Item3) <= tolerance;

        public int GetHashCode((float, float, float) value) => 0;
    }
}
