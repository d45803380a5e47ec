using Lumi.Data.Classes;
using Lumi.Data.Errors;
using Lumi.Data.Imaging;
using Lumi.Data.Voc;

namespace Lumi.Data.Tests.Voc;

public sealed class VocDatasetTests : IDisposable
{
    private readonly VocFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void TwoRootsAreReadInOrderWithImagesFoundWhateverTheirExtensionCase()
    {
        string voc07 = _fixture.Root("VOC2007", ("trainval", ["000005", "000007"]), ("test", ["000001"]));
        string voc12 = _fixture.Root("VOC2012", ("trainval", ["2008_000002"]));
        VocFixture.Image(voc07, "000005.JPG", 40, 30);
        VocFixture.Image(voc07, "000007.jpeg", 40, 30);
        VocFixture.Image(voc07, "000001.jpg", 40, 30);
        VocFixture.Image(voc12, "2008_000002.PNG", 50, 20);
        VocFixture.Annotation(voc07, "000005", VocFixture.Xml(40, 30, ("dog", 1, 1, 10, 10, 0)));
        VocFixture.Annotation(voc07, "000007", VocFixture.Xml(40, 30, ("cat", 2, 2, 20, 20, 1)));
        VocFixture.Annotation(voc07, "000001", VocFixture.Xml(40, 30, ("bird", 2, 2, 20, 20, 0)));
        VocFixture.Annotation(voc12, "2008_000002", VocFixture.Xml(50, 20, ("dog", 3, 3, 9, 9, 0), ("cat", 1, 1, 5, 5, 0)));

        VocDataset data = VocDataset.Load(new VocReadOptions { Roots = [voc07, voc12], Split = "trainval" });

        Assert.Equal(["cat", "dog"], data.Classes);
        Assert.Equal(["000005", "000007", "2008_000002"], data.Images.Select(i => i.Id));
        Assert.Equal(["000005.JPG", "000007.jpeg", "2008_000002.PNG"], data.Images.Select(i => Path.GetFileName(i.ImagePath)));
        Assert.Equal([1, 0], data.Images[2].ClassIndices);
        Assert.Equal(new VocBox(0, 0, 10, 10), data.Images[0].Objects[0].Box);
        Assert.Equal((4, 1), (data.Summary.Objects, data.Summary.DifficultObjects));
        Assert.Equal("3 images (0 without objects); 4 objects (1 difficult)", data.Summary.ToString());
    }

    [Fact]
    public void BoxesOutsideTheImageAreClippedAndEmptyOnesDroppedAndCounted()
    {
        string root = _fixture.Root("VOC", ("train", ["a"]));
        VocFixture.Image(root, "a.jpg", 100, 50);
        VocFixture.Annotation(root, "a", VocFixture.Xml(100, 50,
            ("dog", -5, 0, 120, 40, 0),       // clipped to 0..100, y1 = -1 → 0
            ("dog", 10.5, 5.25, 30.75, 20, 0), // float coordinates, inside
            ("dog", 30, 30, 29, 40, 0),        // xmax < xmin - 1: empty
            ("dog", 150, 10, 180, 20, 0)));    // entirely outside: empty after clipping

        VocDataset data = VocDataset.Load(new VocReadOptions { Roots = [root], Split = "train" });

        Assert.Equal([new VocBox(0, 0, 100, 40), new VocBox(9.5f, 4.25f, 30.75f, 20)], data.Images[0].Objects.Select(o => o.Box));
        Assert.Equal((1, 2), (data.Summary.BoxesClipped, data.Summary.EmptyBoxesDropped));
        Assert.Equal("1 images (0 without objects); 2 objects (0 difficult); 1 boxes clipped to their image; 2 empty boxes dropped", data.Summary.ToString());
    }

    [Fact]
    public void AMissingSizeIsReadFromTheImageHeader()
    {
        string root = _fixture.Root("VOC", ("train", ["a"]));
        VocFixture.Image(root, "a.png", 64, 48);
        VocFixture.Annotation(root, "a", VocFixture.Xml(0, 0, ("dog", 1, 1, 100, 100, 0)));

        VocDataset data = VocDataset.Load(new VocReadOptions { Roots = [root], Split = "train" });

        Assert.Equal((64, 48), (data.Images[0].Width, data.Images[0].Height));
        Assert.Equal(new VocBox(0, 0, 64, 48), data.Images[0].Objects[0].Box);
        Assert.Equal(1, data.Summary.SizesFromImage);
    }

    [Fact]
    public void AnUnknownClassIsAnErrorListingTheKnownOnes()
    {
        string root = OneImage(("zebra", 1, 1, 5, 5, 0));

        var e = Assert.Throws<InputDataException>(() => VocDataset.Load(new VocReadOptions { Roots = [root], Split = "train", Classes = ClassList.Parse("cat,dog") }));

        Assert.Equal(
            $"{Path.Combine(root, "Annotations", "a.xml")}: unknown class 'zebra'; known classes: cat, dog (set data.ignore_unknown_classes: true to skip such objects)",
            e.Message);
    }

    [Fact]
    public void UnknownClassesCanBeSkippedAndCountedAndNegativesDropped()
    {
        string root = OneImage(("zebra", 1, 1, 5, 5, 0), ("zebra", 2, 2, 6, 6, 0), ("yak", 1, 1, 5, 5, 0));
        var options = new VocReadOptions { Roots = [root], Split = "train", Classes = ClassList.Parse("cat,dog"), IgnoreUnknownClasses = true };

        VocDataset kept = VocDataset.Load(options);
        VocDataset dropped = VocDataset.Load(options with { KeepNegatives = false });

        Assert.Single(kept.Images);
        Assert.Empty(kept.Images[0].Objects);
        Assert.Equal("1 images (1 without objects); 0 objects (0 difficult); 3 objects of unknown classes skipped (yak: 1, zebra: 2)", kept.Summary.ToString());
        Assert.Empty(dropped.Images);
        Assert.Equal(1, dropped.Summary.NegativesDropped);
    }

    [Fact]
    public void LayoutProblemsAreNamed()
    {
        string root = _fixture.Root("VOC", ("train", ["a", "b"]));
        VocFixture.Image(root, "a.jpg", 10, 10);
        VocFixture.Annotation(root, "a", VocFixture.Xml(10, 10));
        File.WriteAllText(Path.Combine(root, "ImageSets", "Main", "dog_train.txt"), "a 1\n");
        string notVoc = Path.Combine(_fixture.Directory, "plain");
        Directory.CreateDirectory(notVoc);

        Assert.Equal(
            $"{root}: no split 'val' (ImageSets/Main/val.txt); available: train",
            Assert.Throws<InputDataException>(() => VocDataset.Load(new VocReadOptions { Roots = [root], Split = "val" })).Message);
        Assert.Equal(
            $"{root}: image 'b' (ImageSets/Main/train.txt) has no file in JPEGImages/; looked for .jpg, .jpeg, .png, .bmp, .gif, .tif, .tiff, .webp in any case",
            Assert.Throws<InputDataException>(() => VocDataset.Load(new VocReadOptions { Roots = [root], Split = "train" })).Message);
        Assert.Equal(
            $"{notVoc}: not a VOCdevkit root: it has no Annotations/ (expected Annotations/, ImageSets/Main/, JPEGImages/)",
            Assert.Throws<InputDataException>(() => VocDataset.Load(new VocReadOptions { Roots = [notVoc], Split = "train" })).Message);
    }

    [Fact]
    public void AHostileAnnotationStopsLoadingWithItsName()
    {
        string root = _fixture.Root("VOC", ("train", ["a"]));
        VocFixture.Image(root, "a.jpg", 10, 10);
        string xml = VocFixture.Annotation(root, "a", "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><annotation>&e;</annotation>");

        var e = Assert.Throws<InputDataException>(() => VocDataset.Load(new VocReadOptions { Roots = [root], Split = "train" }));

        Assert.StartsWith($"{xml}:1: annotation files may not contain a DTD", e.Message);
    }

    [Fact]
    public void OrientationIsAppliedOnlyWhenTheAnnotatedSizeIsTheTurnedOne()
    {
        var image = new VocImage("r", "a", "a.jpg", "a.xml", 30, 40, [], []);
        Assert.True(image.AppliesOrientation(new ImageHeader("JPEG", 40, 30, 6)));
        Assert.False(image.AppliesOrientation(new ImageHeader("JPEG", 30, 40, 6)));
        Assert.False(image.AppliesOrientation(new ImageHeader("JPEG", 30, 40, 1)));
    }

    private string OneImage(params (string Name, double XMin, double YMin, double XMax, double YMax, int Difficult)[] objects)
    {
        string root = _fixture.Root("VOC", ("train", ["a"]));
        VocFixture.Image(root, "a.jpg", 20, 20);
        VocFixture.Annotation(root, "a", VocFixture.Xml(20, 20, objects));
        return root;
    }
}
