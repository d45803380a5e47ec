using System.Text.Json;
using Lumi.Cli.Errors;
using Lumi.Cli.Tests.Inference;
using Lumi.Data.Voc;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Lumi.Cli.Tests.Commands;

/// <summary>
/// <c>lumi eval</c> end to end on a tiny VOC dataset: three test images (img1: a cat, img2: a dog, img3: a cat and a
/// dog) and one train image (extra), with predictions whose AP is known by hand.
/// </summary>
[Collection(Lumi.Cli.Tests.Commands.LumiHomeCollection.Name)]
public sealed class EvalCommandTests(DetectorFixture fixture) : IClassFixture<DetectorFixture>
{
    // 0-based continuous boxes (VOC xmin - 1, ymin - 1, xmax, ymax).
    private static readonly (string Id, (string Name, float[] Box)[] Objects)[] Images =
    [
        ("img1", [("cat", [10, 10, 50, 50])]),
        ("img2", [("dog", [20, 5, 70, 60])]),
        ("img3", [("cat", [0, 0, 30, 30]), ("dog", [40, 30, 90, 75])]),
        ("extra", [("dog", [5, 5, 25, 25])]),
    ];

    internal static string Dataset(TempFiles files)
    {
        string root = Path.Combine(files.Dir, "VOCdevkit");
        Directory.CreateDirectory(Path.Combine(root, "Annotations"));
        Directory.CreateDirectory(Path.Combine(root, "ImageSets", "Main"));
        Directory.CreateDirectory(Path.Combine(root, "JPEGImages"));
        int seed = 0;
        foreach (var (id, objects) in Images)
        {
            using (var image = new Image<Rgb24>(100, 80))
            {
                for (int y = 0; y < 80; y++)
                    for (int x = 0; x < 100; x++)
                        image[x, y] = new Rgb24((byte)(x * 2 + seed), (byte)(y * 3), (byte)(x * y % 256));
                image.SaveAsPng(Path.Combine(root, "JPEGImages", id + ".png"));
            }
            seed += 40;
            VocAnnotationFile.Write(
                Path.Combine(root, "Annotations", id + ".xml"),
                new VocAnnotation(id + ".png", 100, 80, objects.Select(o => new VocObject(o.Name, new VocBox(o.Box[0], o.Box[1], o.Box[2], o.Box[3]))).ToList()));
        }
        File.WriteAllText(Path.Combine(root, "ImageSets", "Main", "test.txt"), "img1\nimg2\nimg3\n");
        File.WriteAllText(Path.Combine(root, "ImageSets", "Main", "train.txt"), "extra\n");
        return root;
    }

    private static string Line(string file, params (string Label, double[] Box, double Prob)[] objects) =>
        JsonSerializer.Serialize(new
        {
            file,
            width = 100,
            height = 80,
            objects = objects.Select(o => new { bbox = o.Box, label = o.Label, prob = o.Prob }),
        });

    /// <summary>Every object found with the exact box, plus a low-scored false positive that ranks last (AP stays 1).</summary>
    private static readonly string[] PerfectLines =
    [
        Line("photos/img1.png", ("cat", [10, 10, 50, 50], 0.9)),
        Line("photos/img2.png", ("dog", [20, 5, 70, 60], 0.8), ("cat", [60, 60, 90, 79], 0.01)),
        Line("photos/img3.png", ("cat", [0, 0, 30, 30], 0.7), ("dog", [40, 30, 90, 75], 0.95)),
    ];

    [Fact]
    public void PerfectDetectionsScoreOneAndWriteJsonAndPlots()
    {
        using var files = new TempFiles();
        string root = Dataset(files);
        string predictions = files.Write("predictions.jsonl", string.Join("\n", PerfectLines) + "\n");
        string json = Path.Combine(files.Dir, "out", "metrics.json");
        string plots = Path.Combine(files.Dir, "plots");

        var (code, stdout, stderr) = CliRunner.Run("eval", "--predictions", predictions, "--dataset", root, "--split", "test",
            "--classes", "cat,dog", "--output", json, "--plots", plots);

        Assert.True(code == ExitCodes.Ok, stderr);
        Assert.Contains("mAP@0.5 (VOC2007 11-point): 1.0000 on 3 images of split 'test'\n", stdout);
        Assert.Contains("continuous 0-based pixel coordinates", stdout);
        Assert.Matches(@"\| cat +\| 1\.0000 \| +2 \| +0 \| +3 \|", stdout);
        Assert.Matches(@"\| dog +\| 1\.0000 \| +2 \| +0 \| +2 \|", stdout);
        Assert.DoesNotContain("--min-prob", stderr);
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(1.0, document.RootElement.GetProperty("headline_value").GetDouble());
        Assert.Equal("voc07", document.RootElement.GetProperty("headline").GetString());
        Assert.Equal(2, Directory.GetFiles(plots, "*.png").Length);
    }

    [Fact]
    public void AMissedClassHalvesTheMeanAndHighScoresWarn()
    {
        using var files = new TempFiles();
        string root = Dataset(files);
        string predictions = files.Write("predictions.jsonl", string.Join("\n",
            Line("img1.png", ("cat", [10, 10, 50, 50], 0.9)),
            Line("img2.png"),
            Line("img3.png", ("cat", [0, 0, 30, 30], 0.7))));

        var (code, stdout, stderr) = CliRunner.Run("eval", "--predictions", predictions, "--dataset", root, "--classes", "cat,dog");

        Assert.True(code == ExitCodes.Ok, stderr);
        Assert.Contains("mAP@0.5 (VOC2007 11-point): 0.5000 on 3 images of split 'test'\n", stdout);
        Assert.Equal(
            $"warning: the lowest score in {predictions} is 0.7: the predictions look filtered at a high --min-prob, which cuts the precision-recall curve short " +
            "and understates mAP; for evaluation, predict with --min-prob 0.001 or so\n",
            stderr);
    }

    [Fact]
    public void CocoResultsGiveTheSameNumbersWithClassesFromTheAnnotations()
    {
        using var files = new TempFiles();
        string root = Dataset(files);
        // Classes discovered from the annotations: cat (label 1), dog (label 2).
        string predictions = files.Write("results.json", """
            [{"image_id": "img1", "category_id": 1, "bbox": [10, 10, 40, 40], "score": 0.9},
             {"image_id": "img3", "category_id": 1, "bbox": [0, 0, 30, 30], "score": 0.7},
             {"image_id": "img3", "category_id": 2, "bbox": [40, 30, 50, 45], "score": 0.05}]
            """);

        var (code, stdout, stderr) = CliRunner.Run("eval", "--predictions", predictions, "--dataset", root, "--metric", "voc12");

        Assert.True(code == ExitCodes.Ok, stderr);
        // cat: AP 1; dog: 1 of 2 found at precision 1, so the area is 0.5. Mean 0.75.
        Assert.Contains("mAP@0.5 (VOC2010+ area under the curve): 0.7500 on 3 images of split 'test'\n", stdout);
        Assert.Empty(stderr);
    }

    [Fact]
    public void AStemThatAppearsTwiceIsAnErrorNamingIt()
    {
        using var files = new TempFiles();
        string root = Dataset(files);
        string predictions = files.Write("predictions.jsonl", string.Join("\n", PerfectLines[0], Line("other/img1.jpg")));

        var (code, stdout, stderr) = CliRunner.Run("eval", "--predictions", predictions, "--dataset", root, "--classes", "cat,dog");

        Assert.Equal(ExitCodes.InputData, code);
        Assert.Empty(stdout);
        Assert.Equal(
            $"{predictions}:2: image 'img1' already has predictions on line 1; predictions are matched to annotation ids by file stem, so each stem may appear once\n",
            stderr);
    }

    [Fact]
    public void PredictionsOutsideTheSplitAreAnErrorListingThem()
    {
        using var files = new TempFiles();
        string root = Dataset(files);
        string predictions = files.Write("predictions.jsonl", string.Join("\n", PerfectLines[0], Line("extra.png"), Line("nowhere.png")));

        var (code, _, stderr) = CliRunner.Run("eval", "--predictions", predictions, "--dataset", root, "--classes", "cat,dog");

        Assert.Equal(ExitCodes.InputData, code);
        Assert.Equal(
            $"{predictions}: 2 image(s) are not in split 'test' (3 images): 'extra' (line 2), 'nowhere' (line 3); evaluate the split the predictions were made for\n",
            stderr);
    }

    [Fact]
    public void ErrorLinesCountAsNoDetectionsAndAreReported()
    {
        using var files = new TempFiles();
        string root = Dataset(files);
        string predictions = files.Write("predictions.jsonl", string.Join("\n",
            PerfectLines[0], PerfectLines[1], """{"file": "img3.png", "error": "cannot decode"}"""));

        var (code, stdout, stderr) = CliRunner.Run("eval", "--predictions", predictions, "--dataset", root, "--classes", "cat,dog", "--metric", "voc12");

        Assert.True(code == ExitCodes.Ok, stderr);
        // cat: 1 of 2 (the false positive ranks after it), dog: 1 of 2: 0.5 each.
        Assert.Contains("mAP@0.5 (VOC2010+ area under the curve): 0.5000 on 3 images", stdout);
        Assert.Equal($"warning: 1 image(s) failed in {predictions} and count as having no detections: 'img3' (cannot decode)\n", stderr);
    }

    [Fact]
    public void BadInputNamesTheFileLineAndKey()
    {
        using var files = new TempFiles();
        string root = Dataset(files);
        string predictions = files.Write("predictions.jsonl", PerfectLines[0] + "\n" + """{"file": "img2.png", "objects": [{"bbox": [1, 2, 3], "label": "dog", "prob": 0.5}]}""");

        var (code, _, stderr) = CliRunner.Run("eval", "--predictions", predictions, "--dataset", root, "--classes", "cat,dog");

        Assert.Equal(ExitCodes.InputData, code);
        Assert.Equal($"{predictions}:2: objects[0]: key \"bbox\" is missing or not [x1, y1, x2, y2]\n", stderr);
    }

    [Fact]
    public void UnknownClassNamesTheLineAndTheClasses()
    {
        using var files = new TempFiles();
        string root = Dataset(files);
        string predictions = files.Write("predictions.jsonl", Line("img1.png", ("bird", [1, 1, 5, 5], 0.5)));

        var (code, _, stderr) = CliRunner.Run("eval", "--predictions", predictions, "--dataset", root, "--classes", "cat,dog");

        Assert.Equal(ExitCodes.InputData, code);
        Assert.Equal($"{predictions}:1: objects[0] has label 'bird', which is not a class of the evaluation (cat, dog); give the model's classes with --classes\n", stderr);
    }

    [Fact]
    public void NoSourceIsAUsageError()
    {
        var (code, stdout, stderr) = CliRunner.Run("eval", "--dataset", "x");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Empty(stdout);
        Assert.Equal("lumi eval: give exactly one of --predictions FILE, --model FILE.onnx or --checkpoint ID|ALIAS|PATH\n", stderr);
    }

    [Fact]
    public void AModelRunsOverTheSplitAndPrintsTheTable()
    {
        using var files = new TempFiles();
        string root = Dataset(files);

        var (code, stdout, stderr) = CliRunner.Run("eval", "--model", fixture.ModelPath, "--dataset", root, "--device", "cpu", "--metric", "coco");

        Assert.True(code == ExitCodes.Ok, stderr);
        Assert.Matches(@"\| cat +\| [0-9.]+ \| +2 \| +0 \| +\d+ \|", stdout);
        Assert.Contains("AP@[0.50:0.95] (COCO, 101-point): ", stdout);
        Assert.Contains("eval: 3/3 images, ", stderr);
    }
}
