using Lumi.Data.Augmentation;
using Lumi.Data.Imaging;

namespace Lumi.Data.Tests.Augmentation;

/// <summary>
/// Test images of solid red, green and blue rectangles (labels 1, 2, 3) on grey, and the check that each
/// box still frames exactly the pixels of its colour after an augmentation.
/// </summary>
internal static class BoxPixels
{
    /// <summary>A grey 96×64 image with three rectangles, their boxes and labels.</summary>
    public static TrainSample Sample(int width = 96, int height = 64)
    {
        var image = new RgbImage(width, height);
        image.Data.AsSpan(0, image.Length).Fill(0.5f);
        (int X1, int Y1, int X2, int Y2)[] rects = [(5, 6, 30, 20), (40, 30, 70, 60), (75, 2, 90, 40)];
        var boxes = new List<float>();
        for (int k = 0; k < rects.Length; k++)
        {
            var (x1, y1, x2, y2) = rects[k];
            for (int c = 0; c < 3; c++)
            {
                for (int y = y1; y < y2; y++)
                {
                    image.Plane(c).Slice(y * width + x1, x2 - x1).Fill(c == k ? 1f : 0f);
                }
            }
            boxes.AddRange([x1, y1, x2, y2]);
        }
        return new TrainSample("rects", image, [.. boxes], [1, 2, 3]);
    }

    /// <summary>
    /// Each pixel whose chroma (max − min channel) is above 0.4 belongs to the label of its strongest channel;
    /// per label, the pixels' extent must match its box within <paramref name="tolerance"/> pixels, and a
    /// colour without a box (an unlabelled object) fails.
    /// </summary>
    public static void AssertBoxesFollowPixels(TrainSample sample, float tolerance)
    {
        sample.Validate();
        RgbImage image = sample.Image;
        var extents = new (int X1, int Y1, int X2, int Y2)?[3];
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                float r = image[0, y, x], g = image[1, y, x], b = image[2, y, x];
                float max = Math.Max(r, Math.Max(g, b)), min = Math.Min(r, Math.Min(g, b));
                if (max - min <= 0.4f)
                {
                    continue;
                }
                int k = max == r ? 0 : max == g ? 1 : 2;
                extents[k] = extents[k] is { } e
                    ? (Math.Min(e.X1, x), Math.Min(e.Y1, y), Math.Max(e.X2, x + 1), Math.Max(e.Y2, y + 1))
                    : (x, y, x + 1, y + 1);
            }
        }
        for (int k = 0; k < 3; k++)
        {
            int index = Array.IndexOf(sample.Labels, k + 1);
            if (extents[k] is not { } e)
            {
                Assert.True(index < 0, $"label {k + 1} has a box but no pixels");
                continue;
            }
            Assert.True(index >= 0, $"label {k + 1} has pixels {e} but no box");
            float[] box = sample.Boxes[(4 * index)..(4 * index + 4)];
            float[] pixels = [e.X1, e.Y1, e.X2, e.Y2];
            for (int i = 0; i < 4; i++)
            {
                Assert.True(Math.Abs(box[i] - pixels[i]) <= tolerance,
                    $"label {k + 1}: box [{string.Join(", ", box)}], pixels [{string.Join(", ", pixels)}] in a {image.Width}x{image.Height} image");
            }
        }
    }
}
