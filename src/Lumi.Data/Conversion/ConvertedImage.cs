using Lumi.Data.Voc;

namespace Lumi.Data.Conversion;

/// <summary>
/// One image on its way into the VOC layout: the id (file stem) it gets, the source file, its size as it
/// will be annotated, and its objects in Lumi's 0-based coordinates — or the reason it cannot be converted.
/// </summary>
internal sealed record ConvertedImage(string Id, string SourcePath, int Width, int Height, IReadOnlyList<VocObject> Objects)
{
    public string? Failure { get; init; }

    /// <summary>Adjustments made to this image's labels (a box clipped, a line skipped), one message each.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public static ConvertedImage Failed(string id, string sourcePath, string failure) => new(id, sourcePath, 0, 0, []) { Failure = failure };
}
