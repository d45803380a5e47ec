using Lumi.Cli.Errors;

namespace Lumi.Cli.Tests.Commands;

/// <summary><c>lumi dataset synth|check|convert</c> end to end on small files.</summary>
public sealed class DatasetCommandTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void SynthWritesADatasetThatCheckFindsClean()
    {
        string root = Path.Combine(_files.Dir, "shapes");

        var (code, stdout, stderr) = CliRunner.Run("dataset", "synth", "--output", root, "--images", "10", "--classes", "star,ring", "--seed", "3", "--size", "96x64");

        Assert.Equal(ExitCodes.Ok, code);
        string[] lines = stdout.Split('\n');
        Assert.StartsWith($"{root}: 10 images, ", lines[0]);
        Assert.Equal("splits: train 7, val 2, test 1, trainval 9", lines[1]);
        Assert.Matches(@"^classes: star \(red star, \d+\), ring \(green ring, \d+\)$", lines[2]);
        Assert.Contains("synth: 10/10 images, ", stderr);
        Assert.Equal(10, Directory.GetFiles(Path.Combine(root, "JPEGImages"), "*.jpg").Length);

        (code, stdout, _) = CliRunner.Run("dataset", "check", root, "--split", "train", "--split", "val", "--classes", "ring,star");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("splits: train (7 images), val (2 images)\n", stdout);
        Assert.Contains("image size: 96x64\n", stdout);
        Assert.EndsWith("OK: no errors, 0 warning(s)\n", stdout);
    }

    [Fact]
    public void CheckExitsWithInputDataWhenAProblemIsAnError()
    {
        string root = Path.Combine(_files.Dir, "voc");
        CliRunner.Run("dataset", "synth", "--output", root, "--images", "3", "--size", "64x64");
        string xml = Path.Combine(root, "Annotations", "000002.xml");
        File.WriteAllText(xml, "<annotation>");

        var (code, stdout, stderr) = CliRunner.Run("dataset", "check", root);

        Assert.Equal(ExitCodes.InputData, code);
        Assert.Contains($"error: {xml}:1: malformed XML: ", stdout);
        Assert.EndsWith("FAILED: 1 error(s), 0 warning(s)\n", stdout);
        Assert.EndsWith($"lumi dataset check: 1 error(s) in {root}; see the report\n", stderr);
    }

    [Fact]
    public void ConvertCocoWritesTheVocLayoutAndAMissingImageIsAPartialFailure()
    {
        string images = Directory.CreateDirectory(Path.Combine(_files.Dir, "images")).FullName;
        WriteImage(Path.Combine(images, "a.jpg"));
        string json = _files.Write("instances.json", """
            {"images": [{"id": 1, "file_name": "a.jpg", "width": 32, "height": 32}, {"id": 2, "file_name": "b.jpg", "width": 32, "height": 32}],
             "annotations": [{"image_id": 1, "category_id": 5, "bbox": [1, 2, 10, 20]}],
             "categories": [{"id": 5, "name": "cup"}]}
            """);
        string output = Path.Combine(_files.Dir, "voc");

        var (code, stdout, stderr) = CliRunner.Run("dataset", "convert", "--from", "coco", "--annotations", json, "--images", images, "--output", output);

        Assert.Equal(ExitCodes.PartialFailure, code);
        Assert.Equal($"{output}: 1 images (0 without objects), 1 objects of 1 classes in split 'trainval'; 1 images failed\n", stdout);
        Assert.Contains($"error: {Path.Combine(images, "b.jpg")}: image file not found (images[1].file_name 'b.jpg')\n", stderr);
        Assert.Equal(ExitCodes.Ok, CliRunner.Run("dataset", "check", output).Code);
    }

    [Fact]
    public void ConvertYoloWritesTheVocLayout()
    {
        string images = Directory.CreateDirectory(Path.Combine(_files.Dir, "images")).FullName;
        string labels = Directory.CreateDirectory(Path.Combine(_files.Dir, "labels")).FullName;
        WriteImage(Path.Combine(images, "a.jpg"));
        File.WriteAllText(Path.Combine(labels, "a.txt"), "1 0.5 0.5 0.5 0.25\n");
        string classes = _files.Write("classes.txt", "cup\nplate\n");
        string output = Path.Combine(_files.Dir, "voc");

        var (code, stdout, _) = CliRunner.Run("dataset", "convert", "--from", "yolo", "--labels", labels, "--images", images, "--classes", classes, "--output", output, "--split", "train");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal($"{output}: 1 images (0 without objects), 1 objects of 2 classes in split 'train'\n", stdout);
        string xml = File.ReadAllText(Path.Combine(output, "Annotations", "a.xml")).ReplaceLineEndings("\n");
        Assert.Contains("<name>plate</name>", xml);
        Assert.Contains("<xmin>9</xmin>\n\t\t\t<ymin>13</ymin>\n\t\t\t<xmax>24</xmax>\n\t\t\t<ymax>20</ymax>", xml);
    }

    [Theory]
    [InlineData("dataset synth", "lumi dataset synth: give the dataset folder with --output DIR")]
    [InlineData("dataset synth --output OUT --size 320", "--size: '320' is not a size; expected WxH, e.g. 320x320")]
    [InlineData("dataset synth --output OUT --images 0", "images must be at least 1, got 0")]
    [InlineData("dataset synth --output OUT --classes a,a", "--classes: 'a' appears twice in 'a,a'")]
    [InlineData("dataset convert --images I --output OUT", "lumi dataset convert: give the source format with --from coco|yolo")]
    [InlineData("dataset convert --from voc --images I --output OUT", "--from: 'voc' is not a format Lumi converts; valid: coco, yolo")]
    [InlineData("dataset convert --from yolo --labels L --images I --output OUT", "lumi dataset convert --from yolo: give the class names with --classes FILE (one per line, in index order)")]
    [InlineData("dataset convert --from coco --images I --output OUT", "lumi dataset convert --from coco: give the instances JSON with --annotations FILE.json")]
    [InlineData("dataset check DIR --max-pixels 0", "--max-pixels: 0 must be at least 1")]
    public void UsageErrorsSayWhatIsMissing(string command, string message)
    {
        string[] args = command.Split(' ').Select(a => a is "OUT" or "I" or "L" or "DIR" ? Path.Combine(_files.Dir, a) : a).ToArray();

        var (code, stdout, stderr) = CliRunner.Run(args);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Empty(stdout);
        Assert.Equal(message + "\n", stderr);
    }

    [Fact]
    public void DatasetWithoutASubcommandIsAUsageError()
    {
        var (code, _, stderr) = CliRunner.Run("dataset");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("lumi dataset: Required command was not provided.", stderr);
    }

    [Fact]
    public void CheckingAFolderThatIsNotADatasetIsAnInputError()
    {
        string missing = Path.Combine(_files.Dir, "nothing");
        var (code, _, stderr) = CliRunner.Run("dataset", "check", missing);
        Assert.Equal(ExitCodes.InputData, code);
        Assert.Equal($"{missing}: dataset folder not found\n", stderr);
    }

    private static void WriteImage(string path)
    {
        using var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(32, 32);
        SixLabors.ImageSharp.ImageExtensions.SaveAsJpeg(image, path);
    }
}
