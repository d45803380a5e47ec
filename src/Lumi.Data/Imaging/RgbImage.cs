namespace Lumi.Data.Imaging;

/// <summary>
/// An RGB image as three float planes (CHW), values in [0, 1] — the layout the network takes.
/// <see cref="Data"/> may be longer than <c>3·Width·Height</c> so that a buffer can be reused for
/// smaller images; only the first <see cref="Length"/> values are the image.
/// </summary>
public sealed class RgbImage
{
    public const int Channels = 3;

    /// <summary>An image of the given size backed by <paramref name="buffer"/> when it is large enough, else by a new array.</summary>
    public RgbImage(int width, int height, float[]? buffer = null)
    {
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"image size must be positive, got {width}x{height}");
        }
        long length = (long)Channels * width * height;
        if (length > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"image {width}x{height} is too large for one buffer");
        }
        Width = width;
        Height = height;
        Data = buffer is not null && buffer.Length >= length ? buffer : new float[length];
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>The planes R, G, B one after the other, each row-major.</summary>
    public float[] Data { get; }

    /// <summary>Pixels per plane.</summary>
    public int PlaneLength => Width * Height;

    /// <summary>Values that make up the image (<c>3·Width·Height</c>).</summary>
    public int Length => Channels * PlaneLength;

    /// <summary>Plane <paramref name="channel"/> (0 = R, 1 = G, 2 = B).</summary>
    public Span<float> Plane(int channel) => Data.AsSpan(channel * PlaneLength, PlaneLength);

    /// <summary>The value at (<paramref name="channel"/>, <paramref name="y"/>, <paramref name="x"/>).</summary>
    public float this[int channel, int y, int x] => Data[(channel * Height + y) * Width + x];
}
