using System.ComponentModel.DataAnnotations;

namespace Lumi.Data.Augmentation;

/// <summary>A mirror flip (horizontal or vertical, by the key it sits under).</summary>
public sealed record FlipOptions
{
    /// <summary>Probability of flipping an image; 0 turns the step off.</summary>
    [Range(0.0, 1.0)] public double Probability { get; init; }
}
