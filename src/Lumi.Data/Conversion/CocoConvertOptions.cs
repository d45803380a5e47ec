namespace Lumi.Data.Conversion;

/// <summary>What <see cref="CocoToVoc.Convert"/> reads and writes.</summary>
public sealed record CocoConvertOptions
{
    /// <summary>A COCO instances JSON file (<c>images</c>, <c>annotations</c>, <c>categories</c>).</summary>
    public required string Annotations { get; init; }

    /// <summary>The folder the images' <c>file_name</c>s are relative to.</summary>
    public required string Images { get; init; }

    /// <summary>The new VOCdevkit root (must not exist or be empty).</summary>
    public required string Output { get; init; }

    /// <summary>The split every converted image is listed in (<c>ImageSets/Main/&lt;split&gt;.txt</c>).</summary>
    public string Split { get; init; } = "trainval";

    /// <summary>Link the images instead of copying them.</summary>
    public bool Symlink { get; init; }
}
