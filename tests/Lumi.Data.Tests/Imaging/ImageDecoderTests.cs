using System.Buffers.Binary;
using Lumi.Data.Errors;
using Lumi.Data.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace Lumi.Data.Tests.Imaging;

public sealed class ImageDecoderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lumi-decode-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void PngPixelsBecomeValuesOver255InRgbPlanes()
    {
        string path = Write("rgb.png", Pattern(5, 3), new PngEncoder());

        RgbImage image = new ImageDecoder().Decode(path);

        AssertPattern(image, 5, 3, exact: true);
    }

    [Theory]
    [InlineData("bmp")]
    [InlineData("tiff")]
    [InlineData("webp")]
    public void LosslessFormatsDecodeExactly(string format)
    {
        SixLabors.ImageSharp.Formats.IImageEncoder encoder = format switch
        {
            "bmp" => new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel24 },
            "tiff" => new TiffEncoder(),
            _ => new WebpEncoder { FileFormat = WebpFileFormatType.Lossless },
        };
        string path = Write("img." + format, Pattern(6, 4), encoder);

        AssertPattern(new ImageDecoder().Decode(path), 6, 4, exact: true);
    }

    [Fact]
    public void JpegDecodesCloseToItsSource()
    {
        using var source = new Image<Rgb24>(16, 16, new Rgb24(200, 100, 50));
        string path = Path.Combine(_dir, "flat.jpg");
        source.SaveAsJpeg(path);

        RgbImage image = new ImageDecoder().Decode(path);

        Assert.Equal(200 / 255f, image[0, 8, 8], 1e-2f);
        Assert.Equal(100 / 255f, image[1, 8, 8], 1e-2f);
        Assert.Equal(50 / 255f, image[2, 8, 8], 1e-2f);
    }

    [Fact]
    public void GrayscaleIsReplicatedToThreeChannels()
    {
        using var gray = new Image<L8>(2, 1);
        gray[0, 0] = new L8(10);
        gray[1, 0] = new L8(250);
        string path = Path.Combine(_dir, "gray.png");
        gray.SaveAsPng(path, new PngEncoder { ColorType = PngColorType.Grayscale });

        RgbImage image = new ImageDecoder().Decode(path);

        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(10 / 255f, image[c, 0, 0]);
            Assert.Equal(250 / 255f, image[c, 0, 1]);
        }
    }

    [Fact]
    public void AlphaIsDroppedKeepingTheStoredColour()
    {
        using var rgba = new Image<Rgba32>(1, 1);
        rgba[0, 0] = new Rgba32(30, 60, 90, 0);
        string path = Path.Combine(_dir, "alpha.png");
        rgba.SaveAsPng(path, new PngEncoder { ColorType = PngColorType.RgbWithAlpha, TransparentColorMode = PngTransparentColorMode.Preserve });

        RgbImage image = new ImageDecoder().Decode(path);

        Assert.Equal(new[] { 30 / 255f, 60 / 255f, 90 / 255f }, image.Data);
    }

    [Fact]
    public void SixteenBitSamplesAreScaledToEightBits()
    {
        using var deep = new Image<Rgb48>(1, 1);
        deep[0, 0] = new Rgb48(65535, 0, 128 * 257);
        string path = Path.Combine(_dir, "deep.png");
        deep.SaveAsPng(path, new PngEncoder { BitDepth = PngBitDepth.Bit16, ColorType = PngColorType.Rgb });

        RgbImage image = new ImageDecoder().Decode(path);

        Assert.Equal(new[] { 1f, 0f, 128 / 255f }, image.Data);
    }

    [Fact]
    public void AnAnimatedGifGivesItsFirstFrame()
    {
        using var gif = new Image<Rgb24>(2, 2, new Rgb24(255, 0, 0));
        using (var second = new Image<Rgb24>(2, 2, new Rgb24(0, 0, 255)))
        {
            gif.Frames.AddFrame(second.Frames.RootFrame);
        }
        string path = Path.Combine(_dir, "anim.gif");
        gif.SaveAsGif(path, new GifEncoder());

        RgbImage image = new ImageDecoder().Decode(path);

        Assert.Equal(1f, image[0, 1, 1]);
        Assert.Equal(0f, image[2, 1, 1]);
    }

    [Fact]
    public void ExifOrientationIsAppliedUnlessTurnedOff()
    {
        // Stored 4 wide, 2 high, red top-left; orientation 6 means "rotate 90° clockwise to display".
        using var raw = new Image<Rgb24>(4, 2);
        raw[0, 0] = new Rgb24(255, 0, 0);
        raw.Metadata.ExifProfile = new ExifProfile();
        raw.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);
        string path = Path.Combine(_dir, "rotated.png");
        raw.SaveAsPng(path);

        ImageHeader header = new ImageDecoder().Identify(path);
        RgbImage shown = new ImageDecoder().Decode(path);
        RgbImage stored = new ImageDecoder(applyOrientation: false).Decode(path);

        Assert.Equal((4, 2, 6, 2, 4), (header.Width, header.Height, header.Orientation, header.OrientedWidth, header.OrientedHeight));
        Assert.Equal((2, 4), (shown.Width, shown.Height));
        Assert.Equal(1f, shown[0, 0, 1]);
        Assert.Equal((4, 2), (stored.Width, stored.Height));
        Assert.Equal(1f, stored[0, 0, 0]);
    }

    [Fact]
    public void AnImageAboveThePixelLimitIsRejectedFromItsHeader()
    {
        string path = Write("big.png", Pattern(100, 100), new PngEncoder());

        var e = Assert.Throws<InputDataException>(() => new ImageDecoder(maxPixels: 9_999).Decode(path));

        Assert.Equal($"{path}: 100x100 = 10000 pixels is more than the limit of 9999 (data.max_pixels); raise the limit if the image is genuine", e.Message);
    }

    [Fact]
    public void ADecompressionBombIsRejectedBeforeDecoding()
    {
        // A PNG whose header claims 100000 x 100000 pixels and that holds no image data at all.
        string path = Path.Combine(_dir, "bomb.png");
        File.WriteAllBytes(path, PngHeaderOnly(100_000, 100_000));

        var e = Assert.Throws<InputDataException>(() => new ImageDecoder().Decode(path));

        Assert.Equal($"{path}: 100000x100000 = 10000000000 pixels is more than the limit of 64000000 (data.max_pixels); raise the limit if the image is genuine", e.Message);
    }

    [Fact]
    public void BadFilesAreNamedWithWhatIsWrong()
    {
        string empty = Path.Combine(_dir, "empty.jpg");
        File.WriteAllBytes(empty, []);
        string text = Path.Combine(_dir, "text.jpg");
        File.WriteAllText(text, "not an image at all");
        string missing = Path.Combine(_dir, "missing.png");
        string truncated = Write("truncated.png", Pattern(64, 64), new PngEncoder());
        byte[] bytes = File.ReadAllBytes(truncated);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var decoder = new ImageDecoder();

        Assert.StartsWith($"{empty}: the file is empty (formats: ", Assert.Throws<InputDataException>(() => decoder.Decode(empty)).Message);
        Assert.StartsWith($"{text}: not an image in a format ImageSharp reads (formats: ", Assert.Throws<InputDataException>(() => decoder.Decode(text)).Message);
        Assert.Equal($"{missing}: cannot open the image: no such file", Assert.Throws<InputDataException>(() => decoder.Decode(missing)).Message);
        Assert.StartsWith($"{truncated}: cannot decode the PNG image: ", Assert.Throws<InputDataException>(() => decoder.Decode(truncated)).Message);
    }

    [Fact]
    public void AReusedBufferReceivesThePixels()
    {
        string path = Write("rgb.png", Pattern(5, 3), new PngEncoder());
        var buffer = new float[100];

        RgbImage image = new ImageDecoder().Decode(path, buffer);

        Assert.Same(buffer, image.Data);
        AssertPattern(image, 5, 3, exact: true);
    }

    private static Image<Rgb24> Pattern(int width, int height)
    {
        var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image[x, y] = new Rgb24((byte)(x * 40), (byte)(y * 70), (byte)(255 - x - y));
            }
        }
        return image;
    }

    private static void AssertPattern(RgbImage image, int width, int height, bool exact)
    {
        Assert.Equal((width, height), (image.Width, image.Height));
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                Assert.Equal((byte)(x * 40) / 255f, image[0, y, x], exact ? 0f : 1e-2f);
                Assert.Equal((byte)(y * 70) / 255f, image[1, y, x], exact ? 0f : 1e-2f);
                Assert.Equal((byte)(255 - x - y) / 255f, image[2, y, x], exact ? 0f : 1e-2f);
            }
        }
    }

    private string Write(string name, Image<Rgb24> image, SixLabors.ImageSharp.Formats.IImageEncoder encoder)
    {
        string path = Path.Combine(_dir, name);
        using (image)
        {
            image.Save(path, encoder);
        }
        return path;
    }

    /// <summary>PNG signature, an IHDR chunk (8-bit RGB) with the given size, and IEND.</summary>
    internal static byte[] PngHeaderOnly(int width, int height)
    {
        var output = new List<byte> { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A };
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = 2;
        AddChunk(output, "IHDR", ihdr);
        AddChunk(output, "IEND", []);
        return output.ToArray();
    }

    private static void AddChunk(List<byte> output, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.AddRange(length);
        byte[] body = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
        output.AddRange(body);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(body));
        output.AddRange(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }
        return ~crc;
    }
}
