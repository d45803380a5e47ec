using System.ComponentModel.DataAnnotations;

namespace Lumi.Data;

/// <summary>
/// The <c>data</c> section of the configuration: how VOC-format datasets are read and augmented.
/// <c>configs/fasterrcnn/base.yml</c> mirrors this record key for key.
/// </summary>
public sealed record DataOptions
{
    /// <summary>Image-set names under <c>ImageSets/Main/</c> used for training and for evaluation.</summary>
    public string TrainSplit { get; init; } = "trainval";
    public string TestSplit { get; init; } = "test";

    /// <summary>
    /// Objects marked <c>difficult</c>: <c>ignore</c> leaves them out of training and makes them
    /// "ignore" regions in evaluation (VOC's rule); <c>include</c> treats them as ordinary objects;
    /// <c>drop</c> removes them everywhere.
    /// </summary>
    [AllowedValues("ignore", "include", "drop")]
    public string Difficult { get; init; } = "ignore";

    /// <summary>Keep images without objects as negatives during training.</summary>
    public bool KeepNegatives { get; init; } = true;

    /// <summary>Skip objects whose class is not in the class list (else such an annotation is an error).</summary>
    public bool IgnoreUnknownClasses { get; init; }

    /// <summary>Largest image accepted, in pixels (width × height), against decompression bombs.</summary>
    [Range(1, int.MaxValue)] public int MaxPixels { get; init; } = 64_000_000;

    /// <summary>Decoding threads; 0 means one per core.</summary>
    [Range(0, 256)] public int Workers { get; init; }

    /// <summary>Batches waiting ahead of the trainer.</summary>
    [Range(1, 1024)] public int Prefetch { get; init; } = 4;

    /// <summary>Group images of similar aspect ratio into batches (torchvision's factor; 0 turns it off).</summary>
    [Range(0, 100)] public int AspectRatioGroupFactor { get; init; } = 3;

    public AugmentationOptions Augmentation { get; init; } = new();
}
