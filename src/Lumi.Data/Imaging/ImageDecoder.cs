using Lumi.Data.Errors;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Lumi.Data.Imaging;

/// <summary>
/// Decodes any format ImageSharp reads (JPEG, PNG, BMP, GIF, TIFF, WebP, TGA, PBM) into an
/// <see cref="RgbImage"/> with values <c>v / 255</c> in [0, 1] — RGB8 semantics, as torchvision's
/// <c>to_tensor</c> gives them.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>The header is identified first and an image of more than <see cref="MaxPixels"/> pixels is
/// rejected before a single pixel is decoded (decompression bombs).</item>
/// <item>EXIF orientation is applied unless <see cref="ApplyOrientation"/> is false (annotation tools
/// label the stored pixels; the VOC reader decides per image).</item>
/// <item>Grayscale is replicated to three channels; CMYK/YCCK JPEGs are converted to RGB; 16-bit
/// samples are scaled to 8 bits. Alpha is dropped, keeping the stored colour — what PIL's
/// <c>convert("RGB")</c> and torchvision's <c>read_image(mode=RGB)</c> do, so a model trained on images
/// loaded by torchvision sees the same pixels here.</item>
/// <item>Multi-frame GIF and TIFF files give their first frame.</item>
/// </list>
/// Every failure is an <see cref="InputDataException"/> whose message names the file and what is wrong.
/// Instances are immutable and safe to share between threads.
/// </remarks>
public sealed class ImageDecoder
{
    /// <summary>64 megapixels, the default of <c>data.max_pixels</c>.</summary>
    public const long DefaultMaxPixels = 64_000_000;

    private readonly Configuration _configuration;

    public ImageDecoder(long maxPixels = DefaultMaxPixels, bool applyOrientation = true)
    {
        if (maxPixels < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPixels), $"max_pixels must be at least 1, got {maxPixels}");
        }
        MaxPixels = maxPixels;
        ApplyOrientation = applyOrientation;
        _configuration = Configuration.Default.Clone();
        _configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First });
        _configuration.ImageFormatsManager.SetDecoder(TiffFormat.Instance, new TiffDecoder { DecodingMode = FrameDecodingMode.First });
    }

    /// <summary>The largest image accepted, in pixels (width × height of the stored image).</summary>
    public long MaxPixels { get; }

    /// <summary>Whether <see cref="Decode(string, float[])"/> turns the image as its EXIF orientation says.</summary>
    public bool ApplyOrientation { get; }

    /// <summary>File extensions (lower case, with the dot) of the formats this decoder reads.</summary>
    public IReadOnlyCollection<string> Extensions =>
        _configuration.ImageFormats.SelectMany(f => f.FileExtensions).Select(e => "." + e.ToLowerInvariant())
            .Distinct().Order(StringComparer.Ordinal).ToArray();

    /// <summary>Reads the header of <paramref name="path"/> without decoding pixels.</summary>
    public ImageHeader Identify(string path)
    {
        using FileStream stream = Open(path);
        return Identify(stream, path);
    }

    /// <summary>Reads the header of an image held in <paramref name="stream"/>; <paramref name="name"/> is used in messages.</summary>
    public ImageHeader Identify(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        IImageInfo? info;
        IImageFormat? format;
        try
        {
            info = Image.Identify(_configuration, stream, out format);
        }
        catch (Exception e) when (IsDecodeFailure(e))
        {
            throw new InputDataException($"{name}: cannot read the image header: {e.Message}", e);
        }
        if (info is null || format is null)
        {
            string what = stream.CanSeek && stream.Length == 0 ? "the file is empty" : "not an image in a format ImageSharp reads";
            throw new InputDataException($"{name}: {what} (formats: {string.Join(", ", FormatNames())})");
        }
        if (info.Width <= 0 || info.Height <= 0)
        {
            throw new InputDataException($"{name}: the header gives an empty size {info.Width}x{info.Height}");
        }
        return new ImageHeader(format.Name, info.Width, info.Height, ReadOrientation(info.Metadata));
    }

    /// <summary>
    /// Decodes <paramref name="path"/> to RGB planes, writing into <paramref name="buffer"/> when it is
    /// large enough (see <see cref="RgbImage"/>).
    /// </summary>
    public RgbImage Decode(string path, float[]? buffer = null)
    {
        using FileStream stream = Open(path);
        return Decode(stream, path, buffer);
    }

    /// <summary>Decodes an image held in a seekable <paramref name="stream"/>; <paramref name="name"/> is used in messages.</summary>
    public RgbImage Decode(Stream stream, string name, float[]? buffer = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            throw new ArgumentException("the stream must be seekable (the header is read before the pixels)", nameof(stream));
        }
        long start = stream.Position;
        ImageHeader header = Identify(stream, name);
        CheckPixelCount(header, name);
        stream.Position = start;
        try
        {
            using Image<Rgb24> image = Image.Load<Rgb24>(_configuration, stream);
            if (ApplyOrientation && header.Orientation != 1)
            {
                image.Mutate(x => x.AutoOrient());
            }
            return ToPlanes(image, buffer);
        }
        catch (Exception e) when (IsDecodeFailure(e))
        {
            throw new InputDataException($"{name}: cannot decode the {header.Format} image: {e.Message}", e);
        }
    }

    /// <summary>Copies an 8-bit RGB image into float planes, <c>v / 255</c> (a division, as torch's <c>div(255)</c>).</summary>
    public static RgbImage ToPlanes(Image<Rgb24> image, float[]? buffer = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        var result = new RgbImage(image.Width, image.Height, buffer);
        float[] data = result.Data;
        int plane = result.PlaneLength;
        int width = image.Width;
        image.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < accessor.Height; y++)
            {
                Span<Rgb24> row = accessor.GetRowSpan(y);
                int offset = y * width;
                for (int x = 0; x < row.Length; x++)
                {
                    Rgb24 p = row[x];
                    data[offset + x] = p.R / 255f;
                    data[plane + offset + x] = p.G / 255f;
                    data[2 * plane + offset + x] = p.B / 255f;
                }
            }
        });
        return result;
    }

    internal void CheckPixelCount(ImageHeader header, string name)
    {
        if (header.PixelCount > MaxPixels)
        {
            throw new InputDataException(
                $"{name}: {header.Width}x{header.Height} = {header.PixelCount} pixels is more than the limit of {MaxPixels} " +
                "(data.max_pixels); raise the limit if the image is genuine");
        }
    }

    private static FileStream Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            string why = e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message;
            throw new InputDataException($"{path}: cannot open the image: {why}", e);
        }
    }

    private static int ReadOrientation(ImageMetadata? metadata)
    {
        ExifProfile? exif = metadata?.ExifProfile;
        if (exif is null)
        {
            return 1;
        }
        IExifValue<ushort>? value = exif.GetValue(ExifTag.Orientation);
        return value is not null && value.Value is >= 1 and <= 8 ? value.Value : 1;
    }

    private IEnumerable<string> FormatNames() =>
        _configuration.ImageFormats.Select(f => f.Name).Order(StringComparer.Ordinal);

    /// <summary>What a corrupt, truncated or hostile file can throw from inside a decoder.</summary>
    private static bool IsDecodeFailure(Exception e) =>
        e is ImageFormatException or NotSupportedException or InvalidDataException or EndOfStreamException
            or IOException or IndexOutOfRangeException or ArgumentException or InvalidOperationException
            or OverflowException or InvalidMemoryOperationException;
}
