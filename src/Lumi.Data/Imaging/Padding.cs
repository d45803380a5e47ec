namespace Lumi.Data.Imaging;

/// <summary>
/// torchvision's <c>batch_images</c>: the batch takes the largest height and width among its images,
/// each rounded up to a multiple of <c>size_divisible</c>, and every image sits at the top left of its
/// slot with zeros below and to the right.
/// </summary>
public static class Padding
{
    public const int DefaultSizeDivisible = 32;

    /// <summary>The padded (height, width) of a batch holding images of the given sizes.</summary>
    public static (int Height, int Width) BatchSize(IEnumerable<(int Height, int Width)> sizes, int sizeDivisible = DefaultSizeDivisible)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizeDivisible < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(sizeDivisible), $"size_divisible must be at least 1, got {sizeDivisible}");
        }
        int height = 0;
        int width = 0;
        foreach ((int h, int w) in sizes)
        {
            height = Math.Max(height, h);
            width = Math.Max(width, w);
        }
        return (RoundUp(height, sizeDivisible), RoundUp(width, sizeDivisible));
    }

    /// <summary>
    /// Packs <paramref name="images"/> into one zero-padded buffer, reusing <paramref name="buffer"/>
    /// when it is large enough (its padding is cleared).
    /// </summary>
    public static PaddedBatch Pack(IReadOnlyList<RgbImage> images, int sizeDivisible = DefaultSizeDivisible, float[]? buffer = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            throw new ArgumentException("a batch needs at least one image", nameof(images));
        }
        var sizes = images.Select(i => (i.Height, i.Width)).ToArray();
        (int height, int width) = BatchSize(sizes, sizeDivisible);
        long length = (long)images.Count * RgbImage.Channels * height * width;
        if (length > Array.MaxLength)
        {
            throw new ArgumentException($"a batch of {images.Count} images of {width}x{height} is too large for one buffer", nameof(images));
        }
        float[] data = buffer is not null && buffer.Length >= length ? buffer : new float[length];
        int slotPlane = height * width;
        Parallel.For(0, images.Count * RgbImage.Channels, slot =>
        {
            RgbImage image = images[slot / RgbImage.Channels];
            int channel = slot % RgbImage.Channels;
            Span<float> target = data.AsSpan(slot * slotPlane, slotPlane);
            ReadOnlySpan<float> plane = image.Plane(channel);
            for (int y = 0; y < image.Height; y++)
            {
                Span<float> row = target.Slice(y * width, width);
                plane.Slice(y * image.Width, image.Width).CopyTo(row);
                row[image.Width..].Clear();
            }
            target[(image.Height * width)..].Clear();
        });
        return new PaddedBatch(data, images.Count, height, width, sizes);
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
