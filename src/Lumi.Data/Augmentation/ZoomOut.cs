using Lumi.Data.Imaging;

namespace Lumi.Data.Augmentation;

/// <summary>
/// With probability <see cref="ZoomOutOptions.Probability"/>, places the image at a random whole-pixel
/// position on a canvas <c>r</c> times its size per side (<c>r</c> uniform in [1, max_ratio]) filled with
/// <see cref="ZoomOutOptions.Fill"/>; boxes move by the same offset.
/// </summary>
public sealed class ZoomOut : IAugmentation
{
    public ZoomOut(ZoomOutOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    public ZoomOutOptions Options { get; }

    public TrainSample Apply(TrainSample sample, Random random)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(random);
        if (random.NextDouble() >= Options.Probability)
        {
            return sample;
        }
        RgbImage source = sample.Image;
        double ratio = 1 + (Options.MaxRatio - 1) * random.NextDouble();
        int width = Math.Max(source.Width, (int)(source.Width * ratio));
        int height = Math.Max(source.Height, (int)(source.Height * ratio));
        int left = random.Next(width - source.Width + 1);
        int top = random.Next(height - source.Height + 1);
        var result = new RgbImage(width, height);
        for (int c = 0; c < RgbImage.Channels; c++)
        {
            Span<float> to = result.Plane(c);
            to.Fill((float)Options.Fill[c]);
            Span<float> from = source.Plane(c);
            for (int y = 0; y < source.Height; y++)
            {
                from.Slice(y * source.Width, source.Width).CopyTo(to.Slice((top + y) * width + left, source.Width));
            }
        }
        float[] boxes = (float[])sample.Boxes.Clone();
        for (int i = 0; i < boxes.Length; i += 4)
        {
            boxes[i] += left;
            boxes[i + 1] += top;
            boxes[i + 2] += left;
            boxes[i + 3] += top;
        }
        return sample with { Image = result, Boxes = boxes };
    }
}
