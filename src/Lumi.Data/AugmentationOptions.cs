using Lumi.Data.Augmentation;

namespace Lumi.Data;

/// <summary>
/// Training-time augmentation (never applied in evaluation or prediction): one sub-section per step, each
/// with its probability (0 turns a step off), run in the order <see cref="Order"/> lists them, like
/// Luminoth's ordered list; the resize (with <see cref="MultiScale"/>) always comes last.
/// <see cref="AugmentationPipeline.Create"/> builds the steps.
/// </summary>
public sealed record AugmentationOptions
{
    /// <summary>The names of the steps that run before the final resize, in order; a step left out never runs.</summary>
    [AugmentationOrder] public string[] Order { get; init; } = [.. AugmentationOrderAttribute.Steps];

    /// <summary>torchvision's detection recipe flips half of the images left to right.</summary>
    public FlipOptions HorizontalFlip { get; init; } = new() { Probability = 0.5 };

    /// <summary>Off: most photographs have a natural up and down.</summary>
    public FlipOptions VerticalFlip { get; init; } = new();

    public PhotometricOptions Photometric { get; init; } = new();
    public RandomCropOptions RandomCrop { get; init; } = new();
    public ZoomOutOptions ZoomOut { get; init; } = new();
    public MultiScaleOptions MultiScale { get; init; } = new();
}
