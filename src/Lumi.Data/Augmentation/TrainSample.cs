using Lumi.Data.Imaging;

namespace Lumi.Data.Augmentation;

/// <summary>
/// One training image and its targets: <see cref="Boxes"/> holds <c>x1, y1, x2, y2</c> per object, row-major
/// (<c>4·N</c> values), in continuous 0-based pixels of <see cref="Image"/>; <see cref="Labels"/> the objects'
/// 1-based class labels (label <c>L</c> names <c>classes[L − 1]</c>), parallel to the boxes.
/// </summary>
public sealed record TrainSample(string Id, RgbImage Image, float[] Boxes, int[] Labels)
{
    /// <summary>Number of objects.</summary>
    public int Count => Labels.Length;

    /// <summary>Throws unless there are four box values per label.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Image);
        ArgumentNullException.ThrowIfNull(Boxes);
        ArgumentNullException.ThrowIfNull(Labels);
        if (Boxes.Length != 4 * Labels.Length)
        {
            throw new ArgumentException($"sample '{Id}': {Boxes.Length} box values for {Labels.Length} labels; expected 4 per label");
        }
    }
}
