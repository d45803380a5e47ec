using Lumi.Data.Imaging;

namespace Lumi.Data.Augmentation;

/// <summary>Mirrors the image top to bottom with probability <see cref="Probability"/>: <c>y ↦ H − y</c>.</summary>
public sealed class VerticalFlip(double probability) : IAugmentation
{
    public double Probability { get; } = probability;

    public TrainSample Apply(TrainSample sample, Random random)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(random);
        if (random.NextDouble() >= Probability)
        {
            return sample;
        }
        RgbImage source = sample.Image;
        int width = source.Width, height = source.Height;
        var result = new RgbImage(width, height);
        for (int c = 0; c < RgbImage.Channels; c++)
        {
            Span<float> from = source.Plane(c), to = result.Plane(c);
            for (int y = 0; y < height; y++)
            {
                from.Slice((height - 1 - y) * width, width).CopyTo(to.Slice(y * width, width));
            }
        }
        float[] boxes = (float[])sample.Boxes.Clone();
        for (int i = 0; i < boxes.Length; i += 4)
        {
            (boxes[i + 1], boxes[i + 3]) = (height - sample.Boxes[i + 3], height - sample.Boxes[i + 1]);
        }
        return sample with { Image = result, Boxes = boxes };
    }
}
