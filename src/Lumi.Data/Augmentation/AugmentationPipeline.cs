using Lumi.Data.Errors;
using Lumi.Data.Imaging;

namespace Lumi.Data.Augmentation;

/// <summary>
/// The training augmentations of <c>data.augmentation</c>, in their configured order, ending with the resize.
/// </summary>
/// <remarks>
/// <para><b>Contract for the trainer.</b> The sample <see cref="Apply"/> returns is already at the size the
/// network must see: its last step is always a <see cref="MultiScaleResize"/> by the one resize rule (the
/// <see cref="ResizeRule"/> given to <see cref="Create"/>, i.e. the model's <c>min_size</c>/<c>max_size</c>,
/// or a short side drawn from <c>multi_scale.min_sizes</c>). Hand its image to the model with scale 1: only
/// normalize and pad it, never resize it again (re-applying a rule to a resized image is not always the
/// identity — floor rounding can leave a side one pixel short — and multi-scale sizes differ from the
/// model's). Boxes are <c>x1, y1, x2, y2</c> in the returned image's pixels; <see cref="RandomCrop"/> may
/// drop boxes with their labels but never all of an image's boxes.</para>
/// <para>The input sample is never modified (decoded images may be cached); each step that changes the
/// image makes a new one. All randomness comes from the <see cref="Random"/> given, so a seeded generator
/// per sample makes the result reproducible whatever thread runs it.</para>
/// </remarks>
public sealed class AugmentationPipeline
{
    private AugmentationPipeline(IReadOnlyList<IAugmentation> steps) => Steps = steps;

    /// <summary>The steps that run, in order: those of <c>order</c> whose probability is above 0, then the resize.</summary>
    public IReadOnlyList<IAugmentation> Steps { get; }

    /// <summary>Builds the steps of <paramref name="options"/> around the model's resize rule <paramref name="resize"/>.</summary>
    public static AugmentationPipeline Create(AugmentationOptions options, ResizeRule resize)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(resize);
        var order = new AugmentationOrderAttribute();
        if (!order.IsValid(options.Order))
        {
            throw new UsageException($"data.augmentation.order: [{string.Join(", ", options.Order)}] is not allowed: {order.FormatErrorMessage("order")}");
        }
        var steps = new List<IAugmentation>();
        foreach (string name in options.Order)
        {
            IAugmentation? step = name switch
            {
                "horizontal_flip" when options.HorizontalFlip.Probability > 0 => new HorizontalFlip(options.HorizontalFlip.Probability),
                "vertical_flip" when options.VerticalFlip.Probability > 0 => new VerticalFlip(options.VerticalFlip.Probability),
                "photometric" when options.Photometric.Probability > 0 => new PhotometricDistortion(options.Photometric),
                "random_crop" when options.RandomCrop.Probability > 0 => new RandomCrop(options.RandomCrop),
                "zoom_out" when options.ZoomOut.Probability > 0 => new ZoomOut(options.ZoomOut),
                _ => null,
            };
            if (step is not null)
            {
                steps.Add(step);
            }
        }
        steps.Add(new MultiScaleResize(resize, options.MultiScale));
        return new AugmentationPipeline(steps);
    }

    /// <summary>Runs every step on <paramref name="sample"/> (which is not modified).</summary>
    public TrainSample Apply(TrainSample sample, Random random)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(random);
        sample.Validate();
        foreach (IAugmentation step in Steps)
        {
            sample = step.Apply(sample, random);
        }
        return sample;
    }
}
