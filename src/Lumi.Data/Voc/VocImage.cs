using Lumi.Data.Imaging;

namespace Lumi.Data.Voc;

/// <summary>
/// One image of a VOC split, ready for training or evaluation: its files, its size as annotated (or
/// read from the image header when the annotation has none), and its objects, clipped to the image,
/// with <see cref="ClassIndices"/> (0-based, into the dataset's class list) parallel to <see cref="Objects"/>.
/// </summary>
public sealed record VocImage(
    string Root,
    string Id,
    string ImagePath,
    string AnnotationPath,
    int Width,
    int Height,
    IReadOnlyList<VocObject> Objects,
    IReadOnlyList<int> ClassIndices)
{
    /// <summary>
    /// Whether the image's EXIF orientation should be applied when decoding it: only when the annotated
    /// size is the size after orientation. Annotation tools often label the stored pixels; turning the
    /// image then would move it away from its boxes.
    /// </summary>
    public bool AppliesOrientation(ImageHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return header.Orientation != 1 && Width == header.OrientedWidth && Height == header.OrientedHeight;
    }
}
