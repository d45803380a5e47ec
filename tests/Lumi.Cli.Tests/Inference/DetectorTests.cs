using Lumi.Data.Imaging;
using Lumi.Inference;
using Xunit.Abstractions;

namespace Lumi.Cli.Tests.Inference;

/// <summary>
/// <see cref="Detector"/> on a real exported graph against TorchSharp eager on the same weights: the resize rule, the
/// padding, the graph and the mapping back to original pixels together.
/// </summary>
[Collection(Lumi.Cli.Tests.Commands.LumiHomeCollection.Name)]
public sealed class DetectorTests(DetectorFixture fixture, ITestOutputHelper output) : IClassFixture<DetectorFixture>
{
    private static readonly ImageDecoder Decoder = new();

    [Theory]
    [InlineData(200, 150, 1)] // upscaled: s = 160/150, 213×160
    [InlineData(640, 120, 2)] // downscaled: s = 0.5, 320×60
    [InlineData(160, 224, 3)] // s = 1: no resampling
    public void PredictMatchesTorchSharpOnTheResizedImageMappedBack(int width, int height, int seed)
    {
        string path = fixture.Image($"parity{seed}.png", width, height, seed);
        var actual = fixture.Detector.Predict(path);
        var expected = fixture.Eager(Decoder.Decode(path));
        output.WriteLine($"{width}×{height}: {expected.Length} eager, {actual.Length} ONNX; best {actual.FirstOrDefault()}");
        Assert.InRange(expected.Length, 3, 199);
        DetectionMatch.AssertSame(expected, actual, DetectorFixture.ScoreThreshold);
        Assert.Equal(actual.OrderByDescending(d => d.Score), actual);
        Assert.All(actual, d =>
        {
            Assert.InRange(d.X1, 0f, d.X2);
            Assert.InRange(d.Y1, 0f, d.Y2);
            Assert.InRange(d.X2, d.X1, width);
            Assert.InRange(d.Y2, d.Y1, height);
            Assert.Equal(DetectorFixture.ClassNames[d.Label - 1], d.ClassName);
        });
    }

    [Fact]
    public void ClassesAndResizeComeFromTheGraphsMetadata()
    {
        Assert.Equal(DetectorFixture.ClassNames, fixture.Detector.Classes);
        Assert.Equal(new ResizeRule(160, 320), fixture.Detector.Resize);
        Assert.Equal(32, fixture.Detector.Metadata.SizeDivisible);
    }

    [Fact]
    public void BatchOfDifferentSizesGivesTheResultsOfOneByOne()
    {
        // Different original and content sizes (213×160 resized, 210×160 kept) in the same padded slot (224×160),
        // so that each image's computation is the one it gets alone.
        var images = new[]
        {
            Decoder.Decode(fixture.Image("batch0.png", 200, 150, 11)),
            Decoder.Decode(fixture.Image("batch1.png", 210, 160, 12)),
        };
        var batch = fixture.Detector.PredictBatch(images);
        Assert.Equal(2, batch.Length);
        for (int i = 0; i < images.Length; i++)
        {
            var alone = fixture.Detector.Predict(images[i]);
            output.WriteLine($"image {i}: {alone.Length} alone, {batch[i].Length} in the batch");
            Assert.NotEmpty(alone);
            DetectionMatch.AssertSame(alone, batch[i], DetectorFixture.ScoreThreshold);
        }
    }

    [Fact]
    public void BatchPaddedBeyondEachImageMatchesTorchSharpOnTheSameBatch()
    {
        // 213×160 and 320×60 resized: the batch is 320×160, larger than either image's own padded size. Features near
        // an image's border then see more padding than when it runs alone (torchvision's batches behave the same), so
        // the reference is TorchSharp on the same padded batch.
        var images = new[]
        {
            Decoder.Decode(fixture.Image("wide0.png", 200, 150, 41)),
            Decoder.Decode(fixture.Image("wide1.png", 640, 120, 42)),
        };
        var actual = fixture.Detector.PredictBatch(images);
        var expected = fixture.Eager(images);
        for (int i = 0; i < images.Length; i++)
        {
            output.WriteLine($"image {i}: {expected[i].Length} eager, {actual[i].Length} ONNX");
            Assert.NotEmpty(expected[i]);
            DetectionMatch.AssertSame(expected[i], actual[i], DetectorFixture.ScoreThreshold);
            Assert.All(actual[i], d => Assert.InRange(d.X2, d.X1, images[i].Width));
        }
    }

    [Fact]
    public void ScoreThresholdAndMaxDetectionsOverrides()
    {
        var image = Decoder.Decode(fixture.Image("override.png", 200, 150, 21));
        var all = fixture.Detector.Predict(image);
        // Halfway between two scores near the median: no detection sits on the threshold.
        float threshold = (all[all.Length / 2].Score + all[all.Length / 2 - 1].Score) / 2;
        var strict = fixture.Detector.Predict(image, new DetectionOverrides { ScoreThreshold = threshold });
        output.WriteLine($"{all.Length} at {DetectorFixture.ScoreThreshold}, {strict.Length} at {threshold}");
        Assert.True(strict.Length < all.Length, "the override must remove detections");
        Assert.All(strict, d => Assert.True(d.Score > threshold, d.ToString()));
        DetectionMatch.AssertSame(all.Where(d => d.Score > threshold).ToArray(), strict, threshold);

        var top3 = fixture.Detector.Predict(image, new DetectionOverrides { MaxDetections = 3 });
        Assert.Equal(3, top3.Length);
        DetectionMatch.AssertSame(all.Take(3).ToArray(), top3, DetectorFixture.ScoreThreshold);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => fixture.Detector.Predict(image, new DetectionOverrides { ScoreThreshold = 1.5f }));
        Assert.StartsWith("score threshold must be in [0, 1], got 1.5", e.Message);
    }

    [Fact]
    public void ConcurrentPredictionsEqualSequentialOnes()
    {
        var images = Enumerable.Range(0, 4).Select(i => Decoder.Decode(fixture.Image($"concurrent{i}.png", 150 + 30 * i, 200 - 20 * i, 31 + i))).ToArray();
        var sequential = images.Select(i => fixture.Detector.Predict(i)).ToArray();
        var concurrent = new Detection[images.Length][];
        Parallel.For(0, images.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => concurrent[i] = fixture.Detector.Predict(images[i]));
        for (int i = 0; i < images.Length; i++)
        {
            Assert.Equal(sequential[i], concurrent[i]);
        }
    }
}
