using Lumi.Data.Imaging;

namespace Lumi.Data.Augmentation;

/// <summary>
/// The pipeline's last step, always present: resizes by the one resize rule (<see cref="ResizeRule"/>, the
/// model's <c>min_size</c>/<c>max_size</c>) or, with probability <see cref="MultiScaleOptions.Probability"/>,
/// by a rule whose short side is drawn from <see cref="MultiScaleOptions.MinSizes"/>; boxes scale per axis
/// by <c>new / old</c> as torchvision's <c>resize_boxes</c> does. No resampling when the size does not change.
/// </summary>
public sealed class MultiScaleResize : IAugmentation
{
    private readonly ResizeRule[] _scales;

    public MultiScaleResize(ResizeRule rule, MultiScaleOptions options)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(options);
        Rule = rule;
        Options = options;
        int maxSize = options.MaxSize > 0 ? options.MaxSize : rule.MaxSize;
        _scales = options.MinSizes.Select(s => new ResizeRule(s, maxSize)).ToArray();
    }

    /// <summary>The rule used when no size is drawn.</summary>
    public ResizeRule Rule { get; }

    public MultiScaleOptions Options { get; }

    public TrainSample Apply(TrainSample sample, Random random)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(random);
        ResizeRule rule = Rule;
        if (_scales.Length > 0 && random.NextDouble() < Options.Probability)
        {
            rule = _scales[random.Next(_scales.Length)];
        }
        ResizedSize size = rule.OutputSize(sample.Image.Width, sample.Image.Height);
        if (size.Width == sample.Image.Width && size.Height == sample.Image.Height)
        {
            return sample;
        }
        RgbImage result = ResizeRule.BilinearResize(sample.Image, size.Width, size.Height);
        float[] boxes = (float[])sample.Boxes.Clone();
        BoxScale.Between(sample.Image.Width, sample.Image.Height, size.Width, size.Height).Apply(boxes);
        return sample with { Image = result, Boxes = boxes };
    }
}
