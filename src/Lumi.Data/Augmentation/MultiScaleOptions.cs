using System.ComponentModel.DataAnnotations;

namespace Lumi.Data.Augmentation;

/// <summary>
/// Multi-scale training: the final resize (always the pipeline's last step) takes its short side from
/// <see cref="MinSizes"/> with probability <see cref="Probability"/>, else the model's <c>min_size</c>.
/// </summary>
public sealed record MultiScaleOptions
{
    /// <summary>Probability of drawing the short side from <see cref="MinSizes"/>.</summary>
    [Range(0.0, 1.0)] public double Probability { get; init; } = 1.0;

    /// <summary>Short-side sizes drawn from uniformly (e.g. [480, 512, ..., 800]); empty: always the model's min_size.</summary>
    [Numbers(1, 10000)] public int[] MinSizes { get; init; } = [];

    /// <summary>Long-side limit with a drawn size; 0: the model's max_size.</summary>
    [Range(0, 10000)] public int MaxSize { get; init; }
}
