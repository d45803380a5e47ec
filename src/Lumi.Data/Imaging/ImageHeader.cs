namespace Lumi.Data.Imaging;

/// <summary>
/// What an image file's header says, read without decoding its pixels: the stored size, the EXIF
/// orientation (1–8, 1 when absent) and the size after that orientation is applied.
/// </summary>
public sealed record ImageHeader(string Format, int Width, int Height, int Orientation)
{
    /// <summary>Orientations 5–8 swap width and height.</summary>
    public bool SwapsAxes => Orientation is >= 5 and <= 8;

    public int OrientedWidth => SwapsAxes ? Height : Width;
    public int OrientedHeight => SwapsAxes ? Width : Height;

    public long PixelCount => (long)Width * Height;
}
