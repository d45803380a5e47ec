using Lumi.Data.Imaging;

namespace Lumi.Data.Augmentation;

/// <summary>
/// With probability <see cref="RandomCropOptions.Probability"/>, cuts a whole-pixel rectangle out of the
/// image under the rules of <see cref="RandomCropOptions"/>: boxes mostly inside are kept and clipped, boxes
/// outside are dropped with their labels, and a candidate that would cut a box leaving less than
/// <c>min_visible</c> of it (but something) is refused, so every object left in the image is labelled.
/// </summary>
public sealed class RandomCrop : IAugmentation
{
    public RandomCrop(RandomCropOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    public RandomCropOptions Options { get; }

    public TrainSample Apply(TrainSample sample, Random random)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(random);
        if (random.NextDouble() >= Options.Probability)
        {
            return sample;
        }
        RgbImage image = sample.Image;
        var keep = new bool[sample.Count];
        for (int attempt = 0; attempt < Options.Attempts; attempt++)
        {
            double sw = Options.MinScale + (1 - Options.MinScale) * random.NextDouble();
            double sh = Options.MinScale + (1 - Options.MinScale) * random.NextDouble();
            if (sw / sh > Options.MaxAspectChange || sh / sw > Options.MaxAspectChange)
            {
                continue;
            }
            int width = Math.Clamp((int)Math.Round(sw * image.Width), 1, image.Width);
            int height = Math.Clamp((int)Math.Round(sh * image.Height), 1, image.Height);
            int left = random.Next(image.Width - width + 1);
            int top = random.Next(image.Height - height + 1);
            if (Accepts(sample.Boxes, left, top, width, height, keep))
            {
                return Crop(sample, left, top, width, height, keep);
            }
        }
        return sample;
    }

    private bool Accepts(float[] boxes, int left, int top, int width, int height, bool[] keep)
    {
        int n = keep.Length;
        if (n == 0)
        {
            return true;
        }
        float right = left + width, bottom = top + height;
        int kept = 0;
        double bestIou = 0;
        for (int i = 0; i < n; i++)
        {
            float x1 = boxes[4 * i], y1 = boxes[4 * i + 1], x2 = boxes[4 * i + 2], y2 = boxes[4 * i + 3];
            double iw = Math.Min(x2, right) - Math.Max(x1, left);
            double ih = Math.Min(y2, bottom) - Math.Max(y1, top);
            double inside = iw > 0 && ih > 0 ? iw * ih : 0;
            double area = (double)(x2 - x1) * (y2 - y1);
            keep[i] = false;
            if (area <= 0)
            {
                // A degenerate box stays only when it lies within the crop.
                keep[i] = x1 >= left && x2 <= right && y1 >= top && y2 <= bottom;
            }
            else if (inside >= Options.MinVisible * area)
            {
                keep[i] = true;
                bestIou = Math.Max(bestIou, inside / (area + (double)width * height - inside));
            }
            else if (inside > 0)
            {
                return false;
            }
            kept += keep[i] ? 1 : 0;
        }
        return kept > 0 && bestIou >= Options.MinIou;
    }

    private static TrainSample Crop(TrainSample sample, int left, int top, int width, int height, bool[] keep)
    {
        RgbImage source = sample.Image;
        var result = new RgbImage(width, height);
        for (int c = 0; c < RgbImage.Channels; c++)
        {
            Span<float> from = source.Plane(c), to = result.Plane(c);
            for (int y = 0; y < height; y++)
            {
                from.Slice((top + y) * source.Width + left, width).CopyTo(to.Slice(y * width, width));
            }
        }
        int count = keep.Count(k => k);
        var boxes = new float[4 * count];
        var labels = new int[count];
        for (int i = 0, j = 0; i < keep.Length; i++)
        {
            if (!keep[i])
            {
                continue;
            }
            boxes[4 * j] = Math.Clamp(sample.Boxes[4 * i] - left, 0, width);
            boxes[4 * j + 1] = Math.Clamp(sample.Boxes[4 * i + 1] - top, 0, height);
            boxes[4 * j + 2] = Math.Clamp(sample.Boxes[4 * i + 2] - left, 0, width);
            boxes[4 * j + 3] = Math.Clamp(sample.Boxes[4 * i + 3] - top, 0, height);
            labels[j++] = sample.Labels[i];
        }
        return sample with { Image = result, Boxes = boxes, Labels = labels };
    }
}
