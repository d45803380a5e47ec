using System.ComponentModel.DataAnnotations;

namespace Lumi.Data;

/// <summary>Training-time augmentation (never applied in evaluation or prediction). Probabilities in [0, 1].</summary>
public sealed record AugmentationOptions
{
    /// <summary>Probability of a horizontal flip (torchvision's detection recipe: 0.5).</summary>
    [Range(0.0, 1.0)] public double HorizontalFlip { get; init; } = 0.5;

    /// <summary>Probability of a vertical flip.</summary>
    [Range(0.0, 1.0)] public double VerticalFlip { get; init; }
}
