using Lumi.Data.Errors;
using Lumi.Data.Voc;

namespace Lumi.Data.Tests.Voc;

public sealed class VocAnnotationFileTests : IDisposable
{
    private readonly VocFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void BoxesAreConvertedToZeroBasedContinuousCoordinates()
    {
        string path = Write("a.xml", VocFixture.Xml(500, 375, ("dog", 48, 240, 195, 371, 1), ("person", 8.5, 12, 352.25, 498, 0)));

        VocAnnotation a = VocAnnotationFile.Read(path);

        Assert.Equal((500, 375, "x.jpg"), (a.Width, a.Height, a.FileName));
        Assert.Equal(new VocObject("dog", new VocBox(47, 239, 195, 371), Difficult: true), a.Objects[0]);
        Assert.Equal(new VocBox(7.5f, 11, 352.25f, 498), a.Objects[1].Box);
        Assert.False(a.Objects[1].Difficult);
    }

    [Fact]
    public void WritingThenReadingGivesTheSameBoxesExactly()
    {
        var rng = new Random(7);
        var objects = Enumerable.Range(0, 50).Select(i => new VocObject(
            i % 2 == 0 ? "cat" : "dog",
            new VocBox(rng.NextSingle() * 300, rng.NextSingle() * 200, 300 + rng.NextSingle() * 300, 200 + rng.NextSingle() * 200),
            Difficult: i % 3 == 0, Truncated: i % 5 == 0)).ToList();
        objects.Add(new VocObject("cat", new VocBox(0, 0, 640, 480)));
        var annotation = new VocAnnotation("photo.jpg", 640, 480, objects);
        string path = Path.Combine(_fixture.Directory, "out", "photo.xml");

        VocAnnotationFile.Write(path, annotation);
        VocAnnotation back = VocAnnotationFile.Read(path);

        Assert.Equal(annotation.Objects, back.Objects);
        Assert.Equal((640, 480, "photo.jpg"), (back.Width, back.Height, back.FileName));
        Assert.Contains("<xmin>1</xmin>", File.ReadAllText(path));
        Assert.Contains("<xmax>640</xmax>", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void AnXxeFileIsRefusedNotExpanded()
    {
        string secret = Path.Combine(_fixture.Directory, "secret.txt");
        File.WriteAllText(secret, "TOP SECRET");
        string path = Write("xxe.xml",
            $"<?xml version=\"1.0\"?>\n<!DOCTYPE annotation [ <!ENTITY xxe SYSTEM \"file://{secret}\"> ]>\n" +
            "<annotation><filename>&xxe;</filename></annotation>\n");

        var e = Assert.Throws<InputDataException>(() => VocAnnotationFile.Read(path));

        Assert.Equal(
            $"{path}:2: annotation files may not contain a DTD (<!DOCTYPE>); it was refused, not expanded: " +
            "entity definitions can read other files (XXE) or expand without bound (\"billion laughs\")", e.Message);
        Assert.DoesNotContain("TOP SECRET", e.ToString());
    }

    [Fact]
    public void ABillionLaughsFileIsRefusedNotExpanded()
    {
        var dtd = new System.Text.StringBuilder("<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
        for (int i = 1; i <= 9; i++)
        {
            string previous = i == 1 ? "lol" : $"lol{i - 1}";
            dtd.Append($" <!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&{previous};", 10))}\">\n");
        }
        string path = Write("lol.xml", $"<?xml version=\"1.0\"?>\n{dtd}]>\n<annotation><filename>&lol9;</filename></annotation>\n");

        var e = Assert.Throws<InputDataException>(() => VocAnnotationFile.Read(path));

        Assert.StartsWith($"{path}:2: annotation files may not contain a DTD (<!DOCTYPE>)", e.Message);
    }

    [Fact]
    public void MalformedXmlNamesFileAndLine()
    {
        string path = Write("bad.xml", "<annotation>\n  <object><name>dog</name>\n  </objec>\n</annotation>\n");

        var e = Assert.Throws<InputDataException>(() => VocAnnotationFile.Read(path));

        Assert.StartsWith($"{path}:3: malformed XML: ", e.Message);
    }

    [Theory]
    [InlineData("<annotation><object><name>dog</name></object></annotation>", ":1: <object> 'dog' has no <bndbox>")]
    [InlineData("<annotation><object><bndbox/></object></annotation>", ":1: <object> has no <name>")]
    [InlineData("<annotation>\n<object><name>dog</name><bndbox><xmin>a</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>", ":2: <xmin> is 'a'; expected a number")]
    [InlineData("<annotation><object><name>dog</name><difficult>2</difficult><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>", ":1: <difficult> is '2'; expected 0 or 1")]
    [InlineData("<voc/>", ":1: the root element is <voc>; a VOC annotation's is <annotation>")]
    public void InvalidContentNamesFileLineAndRule(string xml, string message)
    {
        string path = Write("bad.xml", xml);

        var e = Assert.Throws<InputDataException>(() => VocAnnotationFile.Read(path));

        Assert.Equal(path + message, e.Message);
    }

    [Fact]
    public void AMissingSizeReadsAsZero()
    {
        VocAnnotation a = VocAnnotationFile.Read(Write("nosize.xml", VocFixture.Xml(0, 0, ("dog", 1, 1, 5, 5, 0))));

        Assert.False(a.HasSize);
    }

    private string Write(string name, string xml)
    {
        string path = Path.Combine(_fixture.Directory, name);
        File.WriteAllText(path, xml);
        return path;
    }
}
