using Lumi.Data.Classes;
using Lumi.Data.Conversion;
using Lumi.Data.Errors;
using Lumi.Data.Tests.Voc;
using Lumi.Data.Voc;

namespace Lumi.Data.Tests.Conversion;

public sealed class CocoToVocTests : IDisposable
{
    private readonly VocFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private string Images => Directory.CreateDirectory(Path.Combine(_fixture.Directory, "images")).FullName;

    [Fact]
    public void CocoBoxesBecomeVocBoxesOneBasedAndReadBackAsTheCocoBoxes()
    {
        string images = Images;
        VocFixture.ImageFile(Path.Combine(images, "1.jpg"), 100, 80);
        Directory.CreateDirectory(Path.Combine(images, "sub"));
        VocFixture.ImageFile(Path.Combine(images, "sub/2.png"), 64, 48);
        VocFixture.ImageFile(Path.Combine(images, "3.jpg"), 30, 30);
        string json = Write("""
            {"images": [{"id": 7, "file_name": "1.jpg", "width": 100, "height": 80},
                        {"id": 9, "file_name": "sub/2.png"},
                        {"id": 11, "file_name": "3.jpg", "width": 30, "height": 30}],
             "annotations": [{"id": 1, "image_id": 7, "category_id": 3, "bbox": [10, 20.5, 30, 40], "iscrowd": 0},
                             {"id": 2, "image_id": 7, "category_id": 1, "bbox": [0, 0, 100, 80], "iscrowd": 1},
                             {"id": 3, "image_id": 9, "category_id": 1, "bbox": [5, 5, 0, 10]},
                             {"id": 4, "image_id": 9, "category_id": 2, "bbox": [5, 5, 10, 10]},
                             {"id": 5, "image_id": 8, "category_id": 1, "bbox": [5, 5, 10, 10]},
                             {"id": 6, "image_id": 9, "category_id": 1, "bbox": [1.25, 2, 3, 4]}],
             "categories": [{"id": 3, "name": "dog"}, {"id": 1, "name": "cat"}]}
            """);
        string output = Path.Combine(_fixture.Directory, "voc");

        ConversionSummary summary = CocoToVoc.Convert(new CocoConvertOptions { Annotations = json, Images = images, Output = output });

        Assert.Equal($"{output}: 3 images (1 without objects), 3 objects of 2 classes in split 'trainval'; 3 warnings", summary.ToString());
        Assert.Equal(
        [
            $"{json}: annotations[2]: bbox [5, 5, 0, 10] has no area; skipped",
            $"{json}: annotations[3]: category_id 2 is not in categories; skipped",
            $"{json}: annotations[4]: image_id 8 is not in images; skipped",
        ], summary.Warnings);
        Assert.Equal(["cat", "dog"], File.ReadAllLines(Path.Combine(output, "classes.txt")));
        string xml = File.ReadAllText(Path.Combine(output, "Annotations", "1.xml"));
        Assert.Contains("<xmin>11</xmin>\n\t\t\t<ymin>21.5</ymin>\n\t\t\t<xmax>40</xmax>\n\t\t\t<ymax>60.5</ymax>", xml.ReplaceLineEndings("\n"));

        VocDataset data = VocDataset.Load(new VocReadOptions { Roots = [output], Split = "trainval", Classes = ClassList.Parse("cat,dog") });
        Assert.Equal(["1", "2", "3"], data.Images.Select(i => i.Id));
        Assert.Equal(["1.jpg", "2.png", "3.jpg"], data.Images.Select(i => Path.GetFileName(i.ImagePath)));
        Assert.Equal([new VocObject("dog", new VocBox(10, 20.5f, 40, 60.5f)), new VocObject("cat", new VocBox(0, 0, 100, 80), Difficult: true)], data.Images[0].Objects);
        Assert.Equal([new VocObject("cat", new VocBox(1.25f, 2, 4.25f, 6))], data.Images[1].Objects);
        Assert.Equal((64, 48), (data.Images[1].Width, data.Images[1].Height));
        Assert.Empty(data.Images[2].Objects);
    }

    [Fact]
    public void AMissingImageFailsAloneAndTheOthersAreConverted()
    {
        string images = Images;
        VocFixture.ImageFile(Path.Combine(images, "a.jpg"), 20, 20);
        string json = Write("""{"images": [{"id": 1, "file_name": "a.jpg"}, {"id": 2, "file_name": "gone.jpg"}], "annotations": [], "categories": [{"id": 1, "name": "x"}]}""");
        string output = Path.Combine(_fixture.Directory, "voc");

        ConversionSummary summary = CocoToVoc.Convert(new CocoConvertOptions { Annotations = json, Images = images, Output = output, Split = "train" });

        Assert.Equal([$"{Path.Combine(images, "gone.jpg")}: image file not found (images[1].file_name 'gone.jpg')"], summary.Failures);
        Assert.Equal(["a"], File.ReadAllLines(Path.Combine(output, "ImageSets", "Main", "train.txt")));
    }

    [Theory]
    [InlineData("{\"images\": [", ":1: not valid JSON: ")]
    [InlineData("[]", ": expected a JSON object with images, annotations and categories, found an array")]
    [InlineData("{\"images\": [], \"annotations\": []}", ": no 'categories' array; a COCO instances file has images, annotations and categories")]
    [InlineData("{\"images\": [{\"id\": 1}], \"categories\": [{\"id\": 1, \"name\": \"a\"}]}", ": images[0]: 'file_name' is missing; expected text")]
    [InlineData("{\"images\": [], \"categories\": [{\"id\": 1, \"name\": \"a\"}, {\"id\": 2, \"name\": \"a\"}]}", ": categories[1]: the name 'a' is also used by category 1; VOC names objects by class name")]
    [InlineData("{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\"}], \"annotations\": [{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2, 3]}], \"categories\": [{\"id\": 1, \"name\": \"a\"}]}", ": annotations[0]: 'bbox' is [1, 2, 3]; expected [x, y, width, height]")]
    [InlineData("{\"images\": [{\"id\": \"1\", \"file_name\": \"a.jpg\"}], \"categories\": [{\"id\": 1, \"name\": \"a\"}]}", ": images[0]: 'id' is the text \"1\"; expected a whole number")]
    public void AMalformedFileIsAnErrorNamingWhere(string text, string message)
    {
        string json = Write(text);
        var e = Assert.Throws<InputDataException>(() => CocoToVoc.Convert(new CocoConvertOptions { Annotations = json, Images = Images, Output = Path.Combine(_fixture.Directory, "voc") }));
        Assert.StartsWith(json + message, e.Message);
        Assert.False(Directory.Exists(Path.Combine(_fixture.Directory, "voc")));
    }

    private string Write(string json)
    {
        string path = Path.Combine(_fixture.Directory, "instances.json");
        File.WriteAllText(path, json);
        return path;
    }
}
