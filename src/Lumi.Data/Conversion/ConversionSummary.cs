namespace Lumi.Data.Conversion;

/// <summary>
/// What a conversion to the VOC layout wrote: the images and objects, the class list (also written to
/// <c>classes.txt</c> in the root, in the source's order, for <c>--classes</c>), the images that could
/// not be converted (each message names the file) and the adjustments made on the way.
/// </summary>
public sealed record ConversionSummary
{
    public required string Root { get; init; }
    public required string Split { get; init; }
    public required IReadOnlyList<string> Classes { get; init; }
    public int Images { get; init; }
    public int ImagesWithoutObjects { get; init; }
    public int Objects { get; init; }

    /// <summary>Images left out, one message each naming the file and what is wrong.</summary>
    public required IReadOnlyList<string> Failures { get; init; }

    /// <summary>Things converted with an adjustment or skipped (a box clipped, an annotation without a box), one message each.</summary>
    public required IReadOnlyList<string> Warnings { get; init; }

    /// <summary>One line for people.</summary>
    public override string ToString() =>
        $"{Root}: {Images} images ({ImagesWithoutObjects} without objects), {Objects} objects of {Classes.Count} classes in split '{Split}'" +
        (Failures.Count > 0 ? $"; {Failures.Count} images failed" : "") +
        (Warnings.Count > 0 ? $"; {Warnings.Count} warnings" : "");
}
