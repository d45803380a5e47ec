using Lumi.Data.Classes;
using Lumi.Data.Conversion;
using Lumi.Data.Tests.Voc;
using Lumi.Data.Voc;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace Lumi.Data.Tests.Conversion;

public sealed class YoloToVocTests : IDisposable
{
    private readonly VocFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void NormalisedCentresBecomePixelCornersOneBasedInTheXml()
    {
        (string images, string labels) = Folders();
        VocFixture.ImageFile(Path.Combine(images, "a.jpg"), 64, 48);
        VocFixture.ImageFile(Path.Combine(images, "b.png"), 100, 100);
        VocFixture.ImageFile(Path.Combine(images, "c.jpg"), 10, 10);
        File.WriteAllText(Path.Combine(labels, "a.txt"), "0 0.5 0.5 0.25 0.5\n\n1 0.125 0.25 0.25 0.5\n");
        File.WriteAllText(Path.Combine(labels, "b.txt"), "1 0.1 0.2 0.3 0.2 0.2 0.6\n0 0.95 0.5 0.2 0.2\n");
        File.WriteAllText(Path.Combine(labels, "c.txt"), "0 0.99 0.5 0.04 0.2\n"); // 0.1 px outside: clipped without a warning
        File.WriteAllText(Path.Combine(labels, "orphan.txt"), "0 0.5 0.5 0.1 0.1\n");
        string output = Path.Combine(_fixture.Directory, "voc");

        ConversionSummary summary = YoloToVoc.Convert(new YoloConvertOptions { Images = images, Labels = labels, Classes = ClassList.Parse("cat,dog"), Output = output });

        Assert.Equal($"{output}: 3 images (0 without objects), 5 objects of 2 classes in split 'trainval'; 2 warnings", summary.ToString());
        Assert.Equal([$"{Path.Combine(labels, "orphan.txt")}: no image with this stem in {images}; skipped", $"{Path.Combine(labels, "b.txt")}:2: the box reaches outside the 100x100 image; clipped"], summary.Warnings);
        string xml = File.ReadAllText(Path.Combine(output, "Annotations", "a.xml")).ReplaceLineEndings("\n");
        // x: (0.5 ∓ 0.125)·64 = 24..40 → xmin 25, xmax 40; y: (0.5 ∓ 0.25)·48 = 12..36 → ymin 13, ymax 36.
        Assert.Contains("<name>cat</name>", xml);
        Assert.Contains("<xmin>25</xmin>\n\t\t\t<ymin>13</ymin>\n\t\t\t<xmax>40</xmax>\n\t\t\t<ymax>36</ymax>", xml);

        VocDataset data = VocDataset.Load(new VocReadOptions { Roots = [output], Split = "trainval", Classes = ClassList.Parse("cat,dog") });
        Assert.Equal([new VocObject("cat", new VocBox(24, 12, 40, 36)), new VocObject("dog", new VocBox(0, 0, 16, 24))], data.Images[0].Objects);
        Assert.Equal([new VocObject("dog", new VocBox(10, 20, 30, 60)), new VocObject("cat", new VocBox(85, 40, 100, 60))], data.Images[1].Objects);
        Assert.Equal([new VocObject("cat", new VocBox(9.7f, 4, 10, 6))], data.Images[2].Objects);
        Assert.Equal(["cat", "dog"], File.ReadAllLines(Path.Combine(output, "classes.txt")));
    }

    [Theory]
    [InlineData("0 0.5 0.5 0.1", ":1: expected 'class x_center y_center width height' (5 values) or a segment 'class x1 y1 x2 y2 x3 y3 ...', found 4 values")]
    [InlineData("2 0.5 0.5 0.1 0.1", ":1: class '2' is not an index of the 2 classes (0 to 1)")]
    [InlineData("-1 0.5 0.5 0.1 0.1", ":1: class '-1' is not an index of the 2 classes (0 to 1)")]
    [InlineData("0 0.5 0.5 0.1 0.1\n1 32 24 10 10", ":2: 32 is outside [0, 1]; YOLO coordinates are fractions of the image's width and height, not pixels")]
    [InlineData("0 0.5 half 0.1 0.1", ":1: 'half' is not a number")]
    public void ABadLineFailsItsImageNamingFileAndLineAndTheOthersAreConverted(string label, string message)
    {
        (string images, string labels) = Folders();
        VocFixture.ImageFile(Path.Combine(images, "a.jpg"), 64, 48);
        VocFixture.ImageFile(Path.Combine(images, "b.jpg"), 64, 48);
        File.WriteAllText(Path.Combine(labels, "a.txt"), label);
        string output = Path.Combine(_fixture.Directory, "voc");

        ConversionSummary summary = YoloToVoc.Convert(new YoloConvertOptions { Images = images, Labels = labels, Classes = ClassList.Parse("cat,dog"), Output = output });

        Assert.Equal([Path.Combine(labels, "a.txt") + message], summary.Failures);
        Assert.Equal(["b"], File.ReadAllLines(Path.Combine(output, "ImageSets", "Main", "trainval.txt")));
    }

    [Fact]
    public void BoxesAreRelativeToTheImageAsDisplayedAndTheReaderTurnsItSo()
    {
        (string images, string labels) = Folders();
        using (var raw = new Image<Rgb24>(40, 20))
        {
            raw.Metadata.ExifProfile = new ExifProfile();
            raw.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);
            raw.SaveAsJpeg(Path.Combine(images, "turned.jpg"));
        }
        File.WriteAllText(Path.Combine(labels, "turned.txt"), "0 0.5 0.5 0.5 0.5\n");
        string output = Path.Combine(_fixture.Directory, "voc");

        YoloToVoc.Convert(new YoloConvertOptions { Images = images, Labels = labels, Classes = ClassList.Parse("cat"), Output = output });

        VocImage image = VocDataset.Load(new VocReadOptions { Roots = [output], Split = "trainval" }).Images[0];
        Assert.Equal((20, 40), (image.Width, image.Height));
        Assert.Equal(new VocBox(5, 10, 15, 30), image.Objects[0].Box);
        Assert.True(image.AppliesOrientation(new Lumi.Data.Imaging.ImageDecoder().Identify(image.ImagePath)));
    }

    [Fact]
    public void SymlinkLinksTheImagesInsteadOfCopyingThem()
    {
        (string images, string labels) = Folders();
        string source = VocFixture.ImageFile(Path.Combine(images, "a.jpg"), 16, 16);
        string output = Path.Combine(_fixture.Directory, "voc");

        YoloToVoc.Convert(new YoloConvertOptions { Images = images, Labels = labels, Classes = ClassList.Parse("cat"), Output = output, Symlink = true });

        Assert.Equal(source, new FileInfo(Path.Combine(output, "JPEGImages", "a.jpg")).LinkTarget);
    }

    private (string Images, string Labels) Folders() =>
        (Directory.CreateDirectory(Path.Combine(_fixture.Directory, "images")).FullName,
         Directory.CreateDirectory(Path.Combine(_fixture.Directory, "labels")).FullName);
}
