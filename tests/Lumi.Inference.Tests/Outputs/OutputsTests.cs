using Lumi.Inference.Outputs;
using Lumi.Inference.Pipeline;

namespace Lumi.Inference.Tests.Outputs;

/// <summary>The text formats on hand-made results: exact text, rounding shared between formats, names.</summary>
public sealed class OutputsTests
{
    private static readonly ImagePrediction Image = new(0, "photos/a,b.jpg", 640, 480,
        [new Detection(12.504f, 40f, 310.2f, 298.7f, 2, "cat", 0.97314f), new Detection(0f, 0f, 10f, 5.556f, 1, "dog \"x\"", 0.5f)]);

    private static readonly ImagePrediction Failed = ImagePrediction.Failure(1, "photos/b.png", "the file is empty");

    private static string Written(Func<TextOutput, IPredictionWriter> create, params ImagePrediction[] predictions)
    {
        using var text = new StringWriter();
        using (var writer = create(TextOutput.ToStream(text)))
        {
            foreach (var p in predictions) writer.Write(p);
            writer.Complete();
        }
        return text.ToString();
    }

    [Fact]
    public void JsonLinesFollowTheSchema() => Assert.Equal(
        "{\"file\": \"photos/a,b.jpg\", \"width\": 640, \"height\": 480, \"objects\": [" +
        "{\"bbox\": [12.5, 40, 310.2, 298.7], \"label\": \"cat\", \"prob\": 0.9731}, " +
        "{\"bbox\": [0, 0, 10, 5.56], \"label\": \"dog \\\"x\\\"\", \"prob\": 0.5}]}\n" +
        "{\"file\": \"photos/b.png\", \"error\": \"the file is empty\"}\n",
        Written(o => new JsonLinesWriter(o), Image, Failed));

    [Fact]
    public void CocoIsAResultsArrayWithXYWidthHeight() => Assert.Equal(
        "[\n{\"image_id\": \"a,b\", \"category_id\": 2, \"bbox\": [12.5, 40, 297.7, 258.7], \"score\": 0.9731},\n" +
        "{\"image_id\": \"a,b\", \"category_id\": 1, \"bbox\": [0, 0, 10, 5.56], \"score\": 0.5}\n]\n",
        Written(o => new CocoResultsWriter(o), Image, Failed));

    [Fact]
    public void CocoWithoutDetectionsIsAnEmptyArray() => Assert.Equal("[]\n", Written(o => new CocoResultsWriter(o), Failed));

    [Theory]
    [InlineData("val2017/000000397133.jpg", "397133")]
    [InlineData("photos/cat.jpg", "\"cat\"")]
    [InlineData("C:\\photos\\12.png", "12")]
    public void CocoImageIdsAreIntegerStemsWhenTheStemIsOne(string file, string id) => Assert.Equal(id, CocoResultsWriter.ImageId(file));

    [Fact]
    public void CsvHasOneRowPerDetectionAndOnePerEmptyOrFailedImage() => Assert.Equal(
        "file,width,height,label,prob,x1,y1,x2,y2,error\n" +
        "\"photos/a,b.jpg\",640,480,cat,0.9731,12.5,40,310.2,298.7,\n" +
        "\"photos/a,b.jpg\",640,480,\"dog \"\"x\"\"\",0.5,0,0,10,5.56,\n" +
        "photos/c.png,10,10,,,,,,,\n" +
        "photos/b.png,,,,,,,,,the file is empty\n",
        Written(o => new CsvWriter(o), Image, new ImagePrediction(2, "photos/c.png", 10, 10, []), Failed));

    [Fact]
    public void AFileOutputAppearsOnlyWhenComplete()
    {
        string folder = Directory.CreateTempSubdirectory("lumi-outputs-").FullName;
        try
        {
            string path = Path.Combine(folder, "sub", "p.jsonl");
            using (var writer = new JsonLinesWriter(TextOutput.ToFile(path)))
            {
                writer.Write(Image);
                Assert.False(File.Exists(path));
            }
            Assert.Empty(Directory.GetFiles(Path.Combine(folder, "sub")));
            using (var writer = new JsonLinesWriter(TextOutput.ToFile(path)))
            {
                writer.Write(Failed);
                writer.Complete();
            }
            Assert.Equal("{\"file\": \"photos/b.png\", \"error\": \"the file is empty\"}\n", File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(Path.Combine(folder, "sub")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void OutputNameCollisionsNameBothInputs()
    {
        Assert.Null(OutputNames.FirstCollision(["a/x.jpg", "a/y.jpg"], f => Path.GetFileNameWithoutExtension(f)));
        Assert.Equal(("a/x.jpg", "b/x.png", "x"), OutputNames.FirstCollision(["a/x.jpg", "a/y.jpg", "b/x.png"], f => Path.GetFileNameWithoutExtension(f)));
    }

    [Fact]
    public void ClassColoursDiffer()
    {
        var colours = Enumerable.Range(1, 20).Select(DetectionPainter.ColorFor).ToArray();
        Assert.Equal(20, colours.Distinct().Count());
    }
}
