using Lumi.Data.Classes;

namespace Lumi.Data.Conversion;

/// <summary>What <see cref="YoloToVoc.Convert"/> reads and writes.</summary>
public sealed record YoloConvertOptions
{
    /// <summary>The folder of label files, one <c>&lt;image stem&gt;.txt</c> per image.</summary>
    public required string Labels { get; init; }

    /// <summary>The folder of images (its files, not sub-folders).</summary>
    public required string Images { get; init; }

    /// <summary>The class names in YOLO's index order (class <c>i</c> names <c>Classes[i]</c>).</summary>
    public required ClassList Classes { get; init; }

    /// <summary>The new VOCdevkit root (must not exist or be empty).</summary>
    public required string Output { get; init; }

    /// <summary>The split every converted image is listed in (<c>ImageSets/Main/&lt;split&gt;.txt</c>).</summary>
    public string Split { get; init; } = "trainval";

    /// <summary>Link the images instead of copying them.</summary>
    public bool Symlink { get; init; }
}
