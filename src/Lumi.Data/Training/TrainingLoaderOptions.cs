namespace Lumi.Data.Training;

/// <summary>How <see cref="TrainingLoader"/> batches, prepares and prefetches (from the configuration's <c>data</c> and <c>train</c> sections).</summary>
public sealed record TrainingLoaderOptions
{
    public int BatchSize { get; init; } = 2;

    /// <summary>Decoding and augmenting threads; 0 means one per core.</summary>
    public int Workers { get; init; }

    /// <summary>Batches prepared ahead of the consumer.</summary>
    public int Prefetch { get; init; } = 4;

    public int AspectRatioGroupFactor { get; init; } = 3;

    public int SizeDivisible { get; init; } = 32;

    public long MaxPixels { get; init; } = 64_000_000;

    public int Seed { get; init; } = 42;
}
