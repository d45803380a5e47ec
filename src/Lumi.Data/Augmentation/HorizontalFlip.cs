using Lumi.Data.Imaging;

namespace Lumi.Data.Augmentation;

/// <summary>Mirrors the image left to right with probability <see cref="Probability"/>: <c>x ↦ W − x</c>.</summary>
public sealed class HorizontalFlip(double probability) : IAugmentation
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
        int width = source.Width;
        var result = new RgbImage(width, source.Height);
        int rows = RgbImage.Channels * source.Height;
        for (int r = 0; r < rows; r++)
        {
            Span<float> row = result.Data.AsSpan(r * width, width);
            source.Data.AsSpan(r * width, width).CopyTo(row);
            row.Reverse();
        }
        float[] boxes = (float[])sample.Boxes.Clone();
        for (int i = 0; i < boxes.Length; i += 4)
        {
            (boxes[i], boxes[i + 2]) = (width - sample.Boxes[i + 2], width - sample.Boxes[i]);
        }
        return sample with { Image = result, Boxes = boxes };
    }
}
