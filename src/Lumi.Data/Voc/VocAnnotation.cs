namespace Lumi.Data.Voc;

/// <summary>
/// The content of one VOC annotation file, as written: <see cref="Width"/> and <see cref="Height"/> are 0
/// when the file has no usable <c>&lt;size&gt;</c>. Boxes are converted to 0-based coordinates but not clipped.
/// </summary>
public sealed record VocAnnotation(string? FileName, int Width, int Height, IReadOnlyList<VocObject> Objects)
{
    /// <summary>Colour channels written as <c>&lt;depth&gt;</c>.</summary>
    public int Depth { get; init; } = 3;

    public bool HasSize => Width > 0 && Height > 0;
}
