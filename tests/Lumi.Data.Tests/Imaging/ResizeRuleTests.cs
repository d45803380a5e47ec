using System.Text.Json;
using Lumi.Data.Imaging;
using Lumi.Data.Tests.Reference;
using Xunit.Abstractions;

namespace Lumi.Data.Tests.Imaging;

/// <summary>The one resize rule against torchvision's own <c>_resize_image_and_masks</c> and <c>resize_boxes</c>.</summary>
public sealed class ResizeRuleTests
{
    /// <summary>
    /// Largest allowed absolute difference from torch, float32 values in [0, 1]. Measured: 1.2e-7 (one
    /// rounding) in every case; the contract is 1e-5, and 1e-6 catches a coordinate rounded to float.
    /// </summary>
    private const float Tolerance = 1e-6f;

    private static readonly Lazy<SafeTensors> Reference = new(() => SafeTensors.Read(ReferenceData.Get("resize_reference.py")));

    private readonly ITestOutputHelper _output;

    public ResizeRuleTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> Cases()
    {
        // Keep in step with CASES in tests/reference/resize_reference.py (the test below checks it).
        var data = new TheoryData<string>();
        foreach (string name in CaseNames)
        {
            data.Add(name);
        }
        return data;
    }

    private static readonly string[] CaseNames =
        ["upscale", "downscale", "odd_down", "tall", "wide_max", "identity", "tiny", "tiny2x3", "thin", "voc_like"];

    [Fact]
    public void TheTestCoversEveryCaseOfTheScript()
    {
        Assert.Equal(CaseNames, ReadCases().Select(c => c.Name));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ResizeMatchesTorchvision(string name)
    {
        ReferenceCase c = ReadCases().Single(x => x.Name == name);
        RgbImage input = InputImage(c);
        var rule = new ResizeRule(c.MinSize, c.MaxSize);

        RgbImage resized = rule.Resize(input);

        SafeTensor expected = Reference.Value[$"{name}.output"];
        Assert.Equal(new long[] { 3, resized.Height, resized.Width }, expected.Shape);
        float[] want = expected.ToFloat32();
        float worst = 0f;
        for (int i = 0; i < want.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(want[i] - resized.Data[i]));
        }
        _output.WriteLine($"{name}: {c.Width}x{c.Height} -> {resized.Width}x{resized.Height}, max |diff| = {worst:E2}");
        Assert.True(worst <= Tolerance, $"{name}: max |diff| {worst} > {Tolerance}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BoxesMapBothWaysAsTorchvisionDoes(string name)
    {
        ReferenceCase c = ReadCases().Single(x => x.Name == name);
        var rule = new ResizeRule(c.MinSize, c.MaxSize);
        float[] boxes = Reference.Value[$"{name}.boxes"].ToFloat32();

        float[] forward = (float[])boxes.Clone();
        rule.ToResized(c.Width, c.Height).Apply(forward);
        Assert.Equal(Reference.Value[$"{name}.boxes_resized"].ToFloat32(), forward);

        float[] back = (float[])boxes.Clone();
        rule.ToOriginal(c.Width, c.Height).Apply(back);
        Assert.Equal(Reference.Value[$"{name}.boxes_back"].ToFloat32(), back);
    }

    [Fact]
    public void ScaleOneCopiesWithoutResampling()
    {
        var image = new RgbImage(5, 4);
        for (int i = 0; i < image.Length; i++)
        {
            image.Data[i] = i / 60f;
        }
        var rule = new ResizeRule(4, 1333);

        RgbImage result = rule.Resize(image);

        Assert.Equal((5, 4), (result.Width, result.Height));
        Assert.NotSame(image.Data, result.Data);
        Assert.Equal(image.Data, result.Data);
    }

    [Fact]
    public void AReusedBufferIsWrittenInPlace()
    {
        var image = new RgbImage(10, 10);
        image.Data.AsSpan().Fill(0.5f);
        var buffer = new float[3 * 20 * 20 + 7];

        RgbImage result = new ResizeRule(20, 1333).Resize(image, buffer);

        Assert.Same(buffer, result.Data);
        Assert.All(result.Data.Take(result.Length), v => Assert.Equal(0.5f, v, 6));
    }

    [Theory]
    [InlineData(500, 375, 800, 1333, 1066, 799)]    // 800/375 in float32 is just below 32/15: a VOC image becomes 799 high in torchvision
    [InlineData(517, 333, 200, 1333, 310, 199)]     // likewise 200/333 in float32
    [InlineData(1000, 100, 800, 1333, 1333, 133)]   // the long side binds
    public void OutputSizeFollowsTorchvisionsArithmetic(int width, int height, int min, int max, int outWidth, int outHeight)
    {
        ResizedSize size = new ResizeRule(min, max).OutputSize(width, height);
        Assert.Equal((outWidth, outHeight), (size.Width, size.Height));
    }

    private static RgbImage InputImage(ReferenceCase c)
    {
        byte[] pixels = Reference.Value[$"{c.Name}.input"].ToUInt8();
        var image = new RgbImage(c.Width, c.Height);
        for (int i = 0; i < pixels.Length; i++)
        {
            image.Data[i] = pixels[i] / 255f;
        }
        return image;
    }

    private sealed record ReferenceCase(string Name, int Height, int Width, int MinSize, int MaxSize);

    private static IReadOnlyList<ReferenceCase> ReadCases()
    {
        using JsonDocument doc = JsonDocument.Parse(Reference.Value.Metadata["cases"]);
        return doc.RootElement.EnumerateArray()
            .Select(e => new ReferenceCase(e[0].GetString()!, e[1].GetInt32(), e[2].GetInt32(), e[3].GetInt32(), e[4].GetInt32()))
            .ToArray();
    }
}
