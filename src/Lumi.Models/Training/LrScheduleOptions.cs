using System.ComponentModel.DataAnnotations;

namespace Lumi.Models.Training;

/// <summary>Linear warm-up, then a multi-step, cosine or constant learning rate.</summary>
public sealed record LrScheduleOptions
{
    [AllowedValues("multistep", "cosine", "constant")]
    public string Type { get; init; } = "multistep";

    /// <summary>Epochs after which <c>multistep</c> multiplies the rate by <see cref="Gamma"/>.</summary>
    public int[] Steps { get; init; } = { 16, 22 };

    [Range(0.0, 1.0)] public double Gamma { get; init; } = 0.1;

    /// <summary>Optimizer steps of linear warm-up (torchvision: 1000, within the first epoch).</summary>
    [Range(0, int.MaxValue)] public int WarmupSteps { get; init; } = 1000;

    /// <summary>Fraction of the rate the warm-up starts from.</summary>
    [Range(0.0, 1.0)] public double WarmupFactor { get; init; } = 0.001;
}
