using Lumi.Data.Imaging;

namespace Lumi.Inference.Tests;

public sealed class DetectionDecoderTests
{
    private static readonly string[] Names = ["cat", "dog"];

    [Fact]
    public void SplitsByImageMapsBackPerAxisAndSortsByScore()
    {
        var rule = new ResizeRule(160, 320);
        // 200×150 → 213×160 (s = 160/150); 640×100 → 320×50 (s = 0.5).
        Assert.Equal((213, 160), (rule.OutputSize(200, 150).Width, rule.OutputSize(200, 150).Height));
        Assert.Equal((320, 50), (rule.OutputSize(640, 100).Width, rule.OutputSize(640, 100).Height));
        float[] boxes =
        [
            10, 20, 110, 120, // image 1
            0, 0, 213, 160,   // image 0, low score
            21.3f, 16, 42.6f, 32, // image 0, high score
        ];
        var result = DetectionDecoder.Decode(boxes, [0.9f, 0.6f, 0.8f], [2L, 1, 2], [1L, 0, 0],
            [(200, 150), (640, 100)], rule, l => Names[l - 1]);

        Assert.Equal(2, result.Length);
        Assert.Equal(2, result[0].Length);
        var best = result[0][0];
        Assert.Equal(("dog", 2, 0.8f), (best.ClassName, best.Label, best.Score));
        float sx = 200f / 213, sy = 150f / 160;
        Assert.Equal(new[] { 21.3f * sx, 16 * sy, 42.6f * sx, 32 * sy }, new[] { best.X1, best.Y1, best.X2, best.Y2 });
        // A box over the whole resized image covers the whole original (clipped to it).
        var whole = result[0][1];
        Assert.Equal(new[] { 0f, 0f, 200f, 150f }, new[] { whole.X1, whole.Y1, whole.X2, whole.Y2 });
        var other = Assert.Single(result[1]);
        Assert.Equal(new[] { 20f, 40f, 220f, 100f }, new[] { other.X1, other.Y1, other.X2, other.Y2 });
        Assert.Equal("dog", other.ClassName);
    }

    [Fact]
    public void BoxesPastTheImageAreClipped()
    {
        var result = DetectionDecoder.Decode([-3f, -1f, 80f, 70f], [0.5f], [1L], [0L], [(64, 64)], new ResizeRule(64, 64), l => Names[l - 1]);
        var d = Assert.Single(result[0]);
        Assert.Equal(new[] { 0f, 0f, 64f, 64f }, new[] { d.X1, d.Y1, d.X2, d.Y2 });
    }

    [Fact]
    public void ImagesWithoutDetectionsGetEmptyLists()
    {
        var result = DetectionDecoder.Decode([], [], [], [], [(10, 10), (20, 30)], new ResizeRule(), l => Names[l - 1]);
        Assert.All(result, Assert.Empty);
    }

    [Fact]
    public void BatchIndexOutsideTheBatchIsAnError()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            DetectionDecoder.Decode([0f, 0, 1, 1], [0.5f], [1L], [2L], [(10, 10)], new ResizeRule(), l => Names[l - 1]));
        Assert.Equal("detection 0 belongs to image 2, but the batch holds 1", e.Message);
    }
}
