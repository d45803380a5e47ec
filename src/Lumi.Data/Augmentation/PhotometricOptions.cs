using System.ComponentModel.DataAnnotations;

namespace Lumi.Data.Augmentation;

/// <summary>
/// Photometric distortion, as torchvision's <c>ColorJitter</c>: brightness, contrast, saturation and hue,
/// applied in a random order, each by a factor drawn uniformly from its range (<c>[1, 1]</c> or, for hue,
/// <c>[0, 0]</c> leaves that property alone). Boxes do not change.
/// </summary>
public sealed record PhotometricOptions
{
    /// <summary>Probability of distorting an image; 0 turns the step off.</summary>
    [Range(0.0, 1.0)] public double Probability { get; init; }

    /// <summary>Factor on every value (<c>v·f</c>).</summary>
    [Numbers(0, 10, Pair = true)] public double[] Brightness { get; init; } = [0.8, 1.2];

    /// <summary>Blend with the image's mean grey level (<c>f·v + (1 − f)·mean</c>).</summary>
    [Numbers(0, 10, Pair = true)] public double[] Contrast { get; init; } = [0.8, 1.2];

    /// <summary>Blend with each pixel's grey level (<c>f·v + (1 − f)·grey</c>).</summary>
    [Numbers(0, 10, Pair = true)] public double[] Saturation { get; init; } = [0.8, 1.2];

    /// <summary>Shift of the hue, in turns of the colour circle (torchvision allows [-0.5, 0.5]).</summary>
    [Numbers(-0.5, 0.5, Pair = true)] public double[] Hue { get; init; } = [-0.05, 0.05];
}
