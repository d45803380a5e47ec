using System.ComponentModel.DataAnnotations;

namespace Lumi.Data.Augmentation;

/// <summary>
/// Zoom-out (SSD's "expand"): the image is placed at a random position on a canvas up to
/// <see cref="MaxRatio"/> times its size per side, filled with <see cref="Fill"/>; objects get smaller.
/// </summary>
public sealed record ZoomOutOptions
{
    /// <summary>Probability of zooming out; 0 turns the step off.</summary>
    [Range(0.0, 1.0)] public double Probability { get; init; }

    /// <summary>Canvas side over image side, drawn from [1, max_ratio].</summary>
    [Range(1.0, 16.0)] public double MaxRatio { get; init; } = 3.0;

    /// <summary>Canvas colour (R, G, B in [0, 1]): the dataset mean; ImageNet's by default, which the model normalizes to zero.</summary>
    [Length(3, 3), Numbers(0, 1)] public double[] Fill { get; init; } = [0.485, 0.456, 0.406];
}
