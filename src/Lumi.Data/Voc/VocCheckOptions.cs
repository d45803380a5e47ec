using Lumi.Data.Classes;
using Lumi.Data.Imaging;

namespace Lumi.Data.Voc;

/// <summary>What <see cref="VocCheck.Run"/> checks.</summary>
public sealed record VocCheckOptions
{
    /// <summary>The VOCdevkit root.</summary>
    public required string Root { get; init; }

    /// <summary>Splits to check; empty: every split file in <c>ImageSets/Main/</c>.</summary>
    public IReadOnlyList<string> Splits { get; init; } = [];

    /// <summary>The class list; null discovers it from the annotations (objects of other classes are then errors).</summary>
    public ClassList? Classes { get; init; }

    /// <summary>Largest image accepted, in pixels (<c>data.max_pixels</c>).</summary>
    public long MaxPixels { get; init; } = ImageDecoder.DefaultMaxPixels;

    /// <summary>Decode every image completely (finds truncated or corrupt pixel data; slower) instead of reading headers only.</summary>
    public bool Decode { get; init; }
}
