using Lumi.Data.Imaging;

namespace Lumi.Inference.Pipeline;

/// <summary>How a <see cref="PredictionPipeline"/> runs: stage sizes, filters and what it keeps.</summary>
public sealed record PipelineOptions
{
    /// <summary>Images per graph call; images of similar size are grouped.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Decoding and resizing threads (at least 1).</summary>
    public int Workers { get; init; } = 1;

    /// <summary>Decoded images waiting for inference; with the batch and the writer's reorder window it bounds memory.</summary>
    public int QueueSize { get; init; } = 16;

    /// <summary>Stop at the first image that fails (the images before it are still written).</summary>
    public bool FailFast { get; init; }

    /// <summary>Largest image decoded, in pixels (read from the header before decoding: decompression bombs).</summary>
    public long MaxPixels { get; init; } = ImageDecoder.DefaultMaxPixels;

    /// <summary>Lowest probability reported (fed to the graph's <c>score_threshold</c>).</summary>
    public float MinProb { get; init; } = 0.5f;

    /// <summary>At most this many detections per image, the most probable first (after the class filter).</summary>
    public int MaxDetections { get; init; } = 100;

    /// <summary>Which classes are reported; null: all.</summary>
    public ClassFilter? Classes { get; init; }

    /// <summary>Keep each decoded image in its <see cref="ImagePrediction.Original"/> (for drawing).</summary>
    public bool KeepOriginals { get; init; }

    internal void Validate()
    {
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), $"batch size must be at least 1, got {BatchSize}");
        if (Workers < 1) throw new ArgumentOutOfRangeException(nameof(Workers), $"workers must be at least 1, got {Workers}");
        if (QueueSize < 1) throw new ArgumentOutOfRangeException(nameof(QueueSize), $"queue size must be at least 1, got {QueueSize}");
        if (!(MinProb is >= 0f and <= 1f)) throw new ArgumentOutOfRangeException(nameof(MinProb), $"min prob must be in [0, 1], got {MinProb}");
        if (MaxDetections < 1) throw new ArgumentOutOfRangeException(nameof(MaxDetections), $"max detections must be at least 1, got {MaxDetections}");
    }
}
