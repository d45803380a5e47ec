using Lumi.Data.Classes;

namespace Lumi.Data.Voc;

/// <summary>What <see cref="VocDataset.Load"/> reads and how it treats what it finds.</summary>
public sealed record VocReadOptions
{
    /// <summary>VOCdevkit roots (folders holding <c>Annotations/</c>, <c>ImageSets/Main/</c>, <c>JPEGImages/</c>), read in order.</summary>
    public required IReadOnlyList<string> Roots { get; init; }

    /// <summary>Image-set name: <c>ImageSets/Main/&lt;Split&gt;.txt</c> in every root.</summary>
    public required string Split { get; init; }

    /// <summary>The class list; null discovers it from the annotations (every name found, sorted ordinally).</summary>
    public ClassList? Classes { get; init; }

    /// <summary>Skip objects whose class is not in <see cref="Classes"/> (counted), instead of failing.</summary>
    public bool IgnoreUnknownClasses { get; init; }

    /// <summary>Keep images without objects (training negatives); when false they are left out and counted.</summary>
    public bool KeepNegatives { get; init; } = true;

    /// <summary>Build options from the configuration's <c>data</c> section.</summary>
    public static VocReadOptions FromData(DataOptions data, IReadOnlyList<string> roots, string split, ClassList? classes) =>
        new()
        {
            Roots = roots,
            Split = split,
            Classes = classes,
            IgnoreUnknownClasses = data.IgnoreUnknownClasses,
            KeepNegatives = data.KeepNegatives,
        };
}
