using System.Buffers.Binary;
using System.Text;
using Lumi.Cli.Tests.Inference;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Lumi.Cli.Tests.Commands;

/// <summary>Folders of images for the <c>lumi predict</c> tests: good ones from <see cref="DetectorFixture.WriteImage"/> and broken ones.</summary>
public static class PredictImages
{
    /// <summary>The inputs of the mixed folder in ordinal order, and whether each is readable.</summary>
    public static readonly (string Name, bool Good)[] Mixed =
    [
        ("01_good.jpg", true), ("02_corrupt.jpg", false), ("03_good.png", true), ("04_truncated.png", false),
        ("05_empty.jpg", false), ("06_text.jpg", false), ("07_bomb.png", false), ("08_good.png", true),
    ];

    /// <summary>
    /// A folder with good images (a JPEG and two PNGs of different sizes), a corrupt JPEG, a truncated PNG, a zero-byte
    /// file, a text file named .jpg, a PNG whose header claims 100000×100000 pixels, and a notes.txt that is skipped.
    /// </summary>
    public static string MixedFolder(string folder)
    {
        Directory.CreateDirectory(folder);
        string png1 = DetectorFixture.WriteImage(Path.Combine(folder, "01_good.png"), 200, 150, 11);
        using (var image = Image.Load<Rgb24>(png1))
        {
            image.SaveAsJpeg(Path.Combine(folder, "01_good.jpg"));
        }
        File.Delete(png1);
        // A JPEG start-of-image marker followed by garbage.
        var random = new Random(3);
        byte[] garbage = new byte[400];
        random.NextBytes(garbage);
        garbage[0] = 0xFF;
        garbage[1] = 0xD8;
        garbage[2] = 0xFF;
        garbage[3] = 0xDB;
        File.WriteAllBytes(Path.Combine(folder, "02_corrupt.jpg"), garbage);
        DetectorFixture.WriteImage(Path.Combine(folder, "03_good.png"), 160, 120, 12);
        string truncated = DetectorFixture.WriteImage(Path.Combine(folder, "04_truncated.png"), 180, 140, 13);
        byte[] full = File.ReadAllBytes(truncated);
        File.WriteAllBytes(truncated, full[..(full.Length / 3)]);
        File.WriteAllBytes(Path.Combine(folder, "05_empty.jpg"), []);
        File.WriteAllText(Path.Combine(folder, "06_text.jpg"), "this is a text file, not a JPEG\n");
        File.WriteAllBytes(Path.Combine(folder, "07_bomb.png"), PngHeader(100_000, 100_000));
        DetectorFixture.WriteImage(Path.Combine(folder, "08_good.png"), 120, 200, 14);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not an image\n");
        return folder;
    }

    /// <summary>A folder of <paramref name="count"/> good PNGs of a few different sizes (or all 200×150), named img00.png, img01.png, ….</summary>
    public static string GoodFolder(string folder, int count, bool sameSize = false)
    {
        Directory.CreateDirectory(folder);
        (int W, int H)[] sizes = sameSize ? [(200, 150)] : [(200, 150), (160, 120), (120, 200), (256, 96), (200, 150)];
        for (int i = 0; i < count; i++)
        {
            var (w, h) = sizes[i % sizes.Length];
            DetectorFixture.WriteImage(Path.Combine(folder, $"img{i:00}.png"), w, h, 100 + i);
        }
        return folder;
    }

    /// <summary>A PNG signature and an IHDR chunk (valid CRC) for an 8-bit RGB image of the given size, and nothing else.</summary>
    public static byte[] PngHeader(int width, int height)
    {
        var body = new byte[17];
        Encoding.ASCII.GetBytes("IHDR").CopyTo(body, 0);
        BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(4), width);
        BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(8), height);
        body[12] = 8; // bit depth
        body[13] = 2; // RGB
        var png = new List<byte> { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 };
        png.AddRange(body);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(body));
        png.AddRange(crc);
        return [.. png];
    }

    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }
}
