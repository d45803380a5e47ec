using Lumi.Data.Classes;
using Lumi.Data.Errors;
using Lumi.Data.Voc;

namespace Lumi.Data.Tests.Voc;

public sealed class VocCheckTests : IDisposable
{
    private readonly VocFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void ACleanDatasetHasCountsSizesAndTheReadersSummaryAndNoProblems()
    {
        string root = _fixture.Root("VOC", ("train", ["a", "b"]), ("test", ["c"]), ("cat_train", ["a"]));
        VocFixture.Image(root, "a.jpg", 40, 30);
        VocFixture.Image(root, "b.png", 60, 20);
        VocFixture.Image(root, "c.jpg", 40, 30);
        VocFixture.Annotation(root, "a", VocFixture.Xml(40, 30, ("dog", 1, 1, 10, 10, 0), ("cat", 2, 2, 20, 20, 1)));
        VocFixture.Annotation(root, "b", VocFixture.Xml(60, 20, ("dog", 3, 3, 9, 9, 0)));
        VocFixture.Annotation(root, "c", VocFixture.Xml(40, 30));

        VocCheckReport report = VocCheck.Run(new VocCheckOptions { Root = root });

        Assert.Equal([("test", 1), ("train", 2)], report.Splits.Select(p => (p.Key, p.Value)));
        Assert.Equal((3, 3, 1), (report.Images, report.ImagesRead, report.ImagesWithoutObjects));
        Assert.Equal((40, 60, 20, 30), (report.MinWidth, report.MaxWidth, report.MinHeight, report.MaxHeight));
        Assert.Equal((0, 2, 1.0), (report.MinObjectsPerImage, report.MaxObjectsPerImage, report.MeanObjectsPerImage));
        Assert.Equal([new VocClassCount("cat", 1, 1, 0, 1), new VocClassCount("dog", 2, 0, 0, 2)], report.Classes);
        Assert.Empty(report.Problems);
        Assert.Equal([("test", "1 images (1 without objects); 0 objects (0 difficult)"), ("train", "2 images (0 without objects); 3 objects (1 difficult)")],
            report.ReaderSummaries.Select(p => (p.Key, p.Value)));

        var text = new StringWriter { NewLine = "\n" };
        report.WriteTo(text);
        Assert.Equal($"""
            dataset: {root}
            splits: test (1 images), train (2 images)
            images: 3 (3 read, 1 without objects)
            image size: width 40..60, height 20..30
            objects per image: 0..2, mean 1.00
            class  objects  difficult  truncated  images
            cat          1          1          0       1
            dog          2          0          0       2
            total        3          1          0       2
            training reads test: 1 images (1 without objects); 0 objects (0 difficult)
            training reads train: 2 images (0 without objects); 3 objects (1 difficult)
            OK: no errors, 0 warning(s)

            """, text.ToString());
    }

    [Fact]
    public void EveryProblemIsReportedWithItsFileAndTheCheckGoesOnPastEach()
    {
        string root = _fixture.Root("VOC", ("train", ["ok", "bad-xml", "no-image", "outside", "unknown", "sizes", "no-size", "corrupt", "ok"]));
        VocFixture.Image(root, "ok.jpg", 40, 30);
        VocFixture.Image(root, "bad-xml.jpg", 40, 30);
        VocFixture.Image(root, "outside.jpg", 40, 30);
        VocFixture.Image(root, "unknown.jpg", 40, 30);
        VocFixture.Image(root, "sizes.jpg", 50, 30);
        VocFixture.Image(root, "no-size.png", 64, 48);
        File.WriteAllText(Path.Combine(root, "JPEGImages", "corrupt.jpg"), "not an image");
        VocFixture.Annotation(root, "ok", VocFixture.Xml(40, 30, ("dog", 1, 1, 10, 10, 0)));
        VocFixture.Annotation(root, "bad-xml", "<annotation>\n<object>\n</annotation>\n");
        VocFixture.Annotation(root, "no-image", VocFixture.Xml(40, 30, ("dog", 1, 1, 10, 10, 0)));
        VocFixture.Annotation(root, "outside", VocFixture.Xml(40, 30, ("dog", -5, 1, 10, 10, 0), ("dog", 50, 1, 60, 10, 0)));
        VocFixture.Annotation(root, "unknown", VocFixture.Xml(40, 30, ("zebra", 1, 1, 10, 10, 0)));
        VocFixture.Annotation(root, "sizes", VocFixture.Xml(40, 30, ("cat", 1, 1, 10, 10, 0)));
        VocFixture.Annotation(root, "no-size", VocFixture.Xml(0, 0, ("cat", 1, 1, 10, 10, 0)));
        VocFixture.Annotation(root, "corrupt", VocFixture.Xml(40, 30, ("cat", 1, 1, 10, 10, 0)));
        string Xml(string id) => Path.Combine(root, "Annotations", id + ".xml");

        VocCheckReport report = VocCheck.Run(new VocCheckOptions { Root = root, Classes = ClassList.Parse("cat,dog") });

        Assert.Equal(
        [
            $"warning: {Path.Combine(root, "ImageSets", "Main", "train.txt")}: 'ok' is listed 2 times; it is read as many times",
            $"error: {Xml("bad-xml")}:3: malformed XML: The 'object' start tag on line 2 position 2 does not match the end tag of 'annotation'. Line 3, position 3.",
            $"error: {Path.Combine(root, "JPEGImages")}: no image file for 'no-image'; looked for .jpg, .jpeg, .png, .bmp, .gif, .tif, .tiff, .webp in any case",
            $"warning: {Xml("outside")}: object 1 'dog': box [-5, 1, 10, 10] reaches outside the 40x30 image; it is clipped",
            $"warning: {Xml("outside")}: object 2 'dog': box [50, 1, 60, 10] has no area inside the 40x30 image; it is dropped",
            $"error: {Xml("unknown")}: object 1 'zebra': unknown class; known classes: cat, dog",
            $"warning: {Xml("sizes")}: <size> is 40x30 but sizes.jpg is 50x30; boxes are read against the annotated size and may not match the pixels",
            $"warning: {Xml("no-size")}: no usable <size>; the image's 64x48 is used",
            $"error: {Path.Combine(root, "JPEGImages", "corrupt.jpg")}: not an image in a format ImageSharp reads (formats: BMP, GIF, JPEG, PBM, PNG, TGA, TIFF, Webp)",
        ], report.Problems.Select(p => p.ToString()));
        Assert.Equal((4, 5), (report.Errors, report.Warnings));
        Assert.Equal((8, 5), (report.Images, report.ImagesRead));
        Assert.Empty(report.ReaderSummaries);
        Assert.Equal([new VocClassCount("cat", 2, 0, 0, 2), new VocClassCount("dog", 2, 0, 0, 2)], report.Classes);
    }

    [Fact]
    public void DecodingFindsTruncatedPixelDataThatTheHeaderHides()
    {
        string root = _fixture.Root("VOC", ("train", ["a"]));
        string path = VocFixture.Image(root, "a.png", 200, 200);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        VocFixture.Annotation(root, "a", VocFixture.Xml(200, 200, ("dog", 1, 1, 10, 10, 0)));

        Assert.Empty(VocCheck.Run(new VocCheckOptions { Root = root }).Problems);
        VocProblem problem = Assert.Single(VocCheck.Run(new VocCheckOptions { Root = root, Decode = true }).Problems);
        Assert.StartsWith($"error: {path}: cannot decode the PNG image: ", problem.ToString());
    }

    [Fact]
    public void AnImageAboveThePixelLimitIsAnError()
    {
        string root = _fixture.Root("VOC", ("train", ["a"]));
        string path = VocFixture.Image(root, "a.jpg", 40, 30);
        VocFixture.Annotation(root, "a", VocFixture.Xml(40, 30));

        VocProblem problem = Assert.Single(VocCheck.Run(new VocCheckOptions { Root = root, MaxPixels = 1000 }).Problems);
        Assert.Equal($"error: {path}: 40x30 = 1200 pixels is more than the limit of 1000 (data.max_pixels); raise the limit if the image is genuine", problem.ToString());
    }

    [Fact]
    public void ARootThatIsNotAVocLayoutOrHasNoSplitIsAnInputError()
    {
        string empty = Directory.CreateDirectory(Path.Combine(_fixture.Directory, "empty")).FullName;
        Assert.Equal($"{empty}: not a VOCdevkit root: it has no Annotations/ (expected Annotations/, ImageSets/Main/, JPEGImages/)",
            Assert.Throws<InputDataException>(() => VocCheck.Run(new VocCheckOptions { Root = empty })).Message);

        string root = _fixture.Root("VOC");
        Assert.Equal($"{root}: no split files in ImageSets/Main/ (one id per line, e.g. trainval.txt)",
            Assert.Throws<InputDataException>(() => VocCheck.Run(new VocCheckOptions { Root = root })).Message);
        Assert.Equal($"{root}: no split 'val' (ImageSets/Main/val.txt); available: none",
            Assert.Throws<InputDataException>(() => VocCheck.Run(new VocCheckOptions { Root = root, Splits = ["val"] })).Message);
    }
}
