using System.ComponentModel.DataAnnotations;

namespace Lumi.Inference;

/// <summary>
/// The <c>predict</c> section of the configuration. <c>configs/fasterrcnn/base.yml</c> mirrors this
/// record key for key.
/// </summary>
public sealed record PredictOptions
{
    /// <summary>Detections below this probability are not reported (Luminoth's default).</summary>
    [Range(0.0, 1.0)] public double MinProb { get; init; } = 0.5;

    /// <summary>At most this many detections per image, the most probable first.</summary>
    [Range(1, 100000)] public int MaxDetections { get; init; } = 100;

    /// <summary>Images per inference call (images of similar size are grouped).</summary>
    [Range(1, 1024)] public int BatchSize { get; init; } = 1;

    /// <summary>Decoding threads; 0 means one per core, less the inference threads.</summary>
    [Range(0, 256)] public int Workers { get; init; }

    /// <summary>Images decoded ahead of inference.</summary>
    [Range(1, 4096)] public int QueueSize { get; init; } = 16;

    [AllowedValues("jsonl", "coco", "voc", "csv")]
    public string Format { get; init; } = "jsonl";

    /// <summary>Report only these classes (empty: all).</summary>
    public string[] OnlyClasses { get; init; } = Array.Empty<string>();

    /// <summary>Never report these classes.</summary>
    public string[] IgnoreClasses { get; init; } = Array.Empty<string>();

    /// <summary>Largest image accepted, in pixels (width × height), against decompression bombs.</summary>
    [Range(1, int.MaxValue)] public int MaxPixels { get; init; } = 64_000_000;
}
