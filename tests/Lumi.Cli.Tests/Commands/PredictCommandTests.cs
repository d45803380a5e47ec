using System.Globalization;
using System.Text.Json;
using Lumi.Cli.Errors;
using Lumi.Cli.Tests.Inference;
using Lumi.Data.Voc;
using Lumi.Inference;
using Lumi.Inference.Outputs;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Lumi.Cli.Tests.Commands;

/// <summary><c>lumi predict</c> in-process on a tiny exported model: every image accounted for, in order, in every format.</summary>
[Collection(LumiHomeCollection.Name)]
public sealed class PredictCommandTests(DetectorFixture fixture) : IClassFixture<DetectorFixture>
{
    private string Model => fixture.ModelPath;

    private static JsonElement[] Lines(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToArray();

    [Fact]
    public void EveryImageGetsOneLineInOrderAndFailuresAreNamedAndSetTheExitCode()
    {
        using var files = new TempFiles();
        string folder = PredictImages.MixedFolder(Path.Combine(files.Dir, "mixed"));

        var (code, stdout, stderr) = CliRunner.Run("predict", folder, "--model", Model, "--device", "cpu", "--workers", "2");

        Assert.Equal(ExitCodes.PartialFailure, code);
        JsonElement[] lines = Lines(stdout);
        Assert.Equal(PredictImages.Mixed.Select(m => Path.Combine(folder, m.Name)), lines.Select(l => l.GetProperty("file").GetString()));
        for (int i = 0; i < lines.Length; i++)
        {
            Assert.Equal(!PredictImages.Mixed[i].Good, lines[i].TryGetProperty("error", out _));
        }
        string Error(string name) => lines[Array.FindIndex(PredictImages.Mixed, m => m.Name == name)].GetProperty("error").GetString()!;
        Assert.StartsWith("cannot ", Error("02_corrupt.jpg"));
        Assert.StartsWith("cannot decode the PNG image: ", Error("04_truncated.png"));
        Assert.StartsWith("the file is empty (formats: ", Error("05_empty.jpg"));
        Assert.StartsWith("not an image in a format ImageSharp reads (formats: ", Error("06_text.jpg"));
        Assert.Equal("100000x100000 = 10000000000 pixels is more than the limit of 64000000 (data.max_pixels); raise the limit if the image is genuine", Error("07_bomb.png"));
        Assert.Contains("Predicted 8 of 8 images in ", stderr);
        Assert.Contains(" detections, 5 failed; 1 non-image file(s) skipped\n", stderr);
        Assert.Contains($"failed: {Path.Combine(folder, "05_empty.jpg")}: the file is empty", stderr);
        Assert.Matches(@"predict: 8/8 images, [0-9.]+ images/s, 0 s left\n", stderr);

        // The good images: the schema of shared/DESIGN.md §5 and the detector's own detections.
        foreach (var (name, _) in PredictImages.Mixed.Where(m => m.Good))
        {
            string path = Path.Combine(folder, name);
            JsonElement line = lines.Single(l => l.GetProperty("file").GetString() == path);
            Assert.Equal(["file", "width", "height", "objects"], line.EnumerateObject().Select(p => p.Name));
            using var image = Image.Load<Rgb24>(path);
            Assert.Equal((image.Width, image.Height), (line.GetProperty("width").GetInt32(), line.GetProperty("height").GetInt32()));
            Detection[] expected = fixture.Detector.Predict(path).Where(d => d.Score >= 0.5f).ToArray();
            JsonElement[] objects = [.. line.GetProperty("objects").EnumerateArray()];
            Assert.Equal(expected.Length, objects.Length);
            Assert.NotEmpty(objects);
            for (int k = 0; k < objects.Length; k++)
            {
                Assert.Equal(["bbox", "label", "prob"], objects[k].EnumerateObject().Select(p => p.Name));
                double[] box = [.. objects[k].GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble())];
                Assert.Equal(new double[] { expected[k].X1, expected[k].Y1, expected[k].X2, expected[k].Y2 }, box, (a, b) => Math.Abs(a - b) <= 0.005 + 1e-9);
                Assert.Equal(expected[k].ClassName, objects[k].GetProperty("label").GetString());
                Assert.Equal(expected[k].Score, objects[k].GetProperty("prob").GetDouble(), 4);
                if (k > 0) Assert.True(objects[k].GetProperty("prob").GetDouble() <= objects[k - 1].GetProperty("prob").GetDouble());
            }
        }
    }

    [Fact]
    public void FailFastStopsAtTheFirstFailureAfterWritingTheImagesBeforeIt()
    {
        using var files = new TempFiles();
        string folder = PredictImages.MixedFolder(Path.Combine(files.Dir, "mixed"));
        string output = Path.Combine(files.Dir, "out.jsonl");

        var (code, stdout, stderr) = CliRunner.Run("predict", folder, "--model", Model, "--device", "cpu", "--fail-fast", "--output", output);

        Assert.Equal(ExitCodes.InputData, code);
        Assert.Empty(stdout);
        JsonElement[] lines = Lines(File.ReadAllText(output));
        Assert.Equal(2, lines.Length);
        Assert.True(lines[0].TryGetProperty("objects", out _));
        Assert.True(lines[1].TryGetProperty("error", out _));
        Assert.Contains($"\n{Path.Combine(folder, "02_corrupt.jpg")}: cannot ", stderr);
        Assert.EndsWith(" (--fail-fast: stopped after 2 of 8 images)\n", stderr);
    }

    [Fact]
    public void BatchesGiveTheSameDetectionsInInputOrder()
    {
        using var files = new TempFiles();
        // Images of one size: a batch pads none of them, so batched detections equal single ones.
        string same = PredictImages.GoodFolder(Path.Combine(files.Dir, "same"), 4, sameSize: true);
        string mixed = PredictImages.GoodFolder(Path.Combine(files.Dir, "mixed"), 5);
        string list = files.Write("list.txt", string.Join("\n", new[] { 4, 0, 3, 1 }.Select(i => Path.Combine(mixed, $"img{i:00}.png"))));

        var single = CliRunner.Run("predict", same, "--model", Model, "--device", "cpu");
        var batched = CliRunner.Run("predict", same, "--model", Model, "--device", "cpu", "--batch-size", "3", "--workers", "2");
        var listed = CliRunner.Run("predict", "@" + list, "--model", Model, "--device", "cpu", "--batch-size", "2");

        Assert.Equal((ExitCodes.Ok, ExitCodes.Ok, ExitCodes.Ok), (single.Code, batched.Code, listed.Code));
        JsonElement[] a = Lines(single.Out), b = Lines(batched.Out);
        Assert.Equal(4, a.Length);
        Assert.Equal(a.Select(l => l.GetProperty("file").GetString()), b.Select(l => l.GetProperty("file").GetString()));
        for (int i = 0; i < a.Length; i++)
        {
            var x = a[i].GetProperty("objects").EnumerateArray().ToArray();
            var y = b[i].GetProperty("objects").EnumerateArray().ToArray();
            Assert.Equal(x.Length, y.Length);
            for (int k = 0; k < x.Length; k++)
            {
                Assert.Equal(x[k].GetProperty("label").GetString(), y[k].GetProperty("label").GetString());
                Assert.Equal(x[k].GetProperty("prob").GetDouble(), y[k].GetProperty("prob").GetDouble(), 0.0011);
                Assert.Equal(
                    x[k].GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()),
                    y[k].GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()),
                    (p, q) => Math.Abs(p - q) <= 0.05);
            }
        }
        // Images of different sizes grouped into batches of 2 still come out in the list file's order, every one.
        JsonElement[] listedLines = Lines(listed.Out);
        Assert.Equal(new[] { 4, 0, 3, 1 }.Select(i => Path.Combine(mixed, $"img{i:00}.png")), listedLines.Select(l => l.GetProperty("file").GetString()));
        Assert.All(listedLines, l => Assert.True(l.TryGetProperty("objects", out _)));
    }

    [Fact]
    public void ShardsCoverEveryImageExactlyOnce()
    {
        using var files = new TempFiles();
        string folder = PredictImages.GoodFolder(Path.Combine(files.Dir, "good"), 5);
        string[] Files(string stdout) => Lines(stdout).Select(l => l.GetProperty("file").GetString()!).ToArray();
        string[] all = Files(CliRunner.Run("predict", folder, "--model", Model, "--device", "cpu", "--min-prob", "0.9").Out);
        var shards = Enumerable.Range(0, 2)
            .Select(i => CliRunner.Run("predict", folder, "--model", Model, "--device", "cpu", "--min-prob", "0.9", "--shard", $"{i}/2"))
            .ToArray();

        Assert.All(shards, s => Assert.Equal(ExitCodes.Ok, s.Code));
        Assert.Equal(5, all.Length);
        Assert.Equal(new[] { all[0], all[2], all[4] }, Files(shards[0].Out));
        Assert.Equal(new[] { all[1], all[3] }, Files(shards[1].Out));
        Assert.Equal(all.Order(), shards.SelectMany(s => Files(s.Out)).Order());
        Assert.StartsWith("Shard 1/2: 2 of 5 images\n", shards[1].Err);

        var bad = CliRunner.Run("predict", folder, "--model", Model, "--shard", "3/3");
        Assert.Equal(ExitCodes.Usage, bad.Code);
        Assert.Equal("--shard: '3/3' is not i/n with 0 <= i < n (shard i of n, 0-based: 0/4, 1/4, 2/4, 3/4)\n", bad.Err);
    }

    [Fact]
    public void ClassFiltersKeepOrDropClassesAndUnknownNamesListTheModelsClasses()
    {
        using var files = new TempFiles();
        string folder = PredictImages.GoodFolder(Path.Combine(files.Dir, "good"), 5);
        string[] Labels(params string[] extra)
        {
            var run = CliRunner.Run(["predict", folder, "--model", Model, "--device", "cpu", "--min-prob", "0.01", .. extra]);
            Assert.Equal(ExitCodes.Ok, run.Code);
            return Lines(run.Out).SelectMany(l => l.GetProperty("objects").EnumerateArray().Select(o => o.GetProperty("label").GetString()!)).ToArray();
        }
        string[] every = Labels();
        Assert.Contains("cat", every);
        Assert.Contains("dog", every);
        string[] cats = Labels("--only-class", "cat");
        Assert.Equal(every.Count(l => l == "cat"), cats.Length);
        Assert.All(cats, l => Assert.Equal("cat", l));
        // At most one detection per image, and never a cat.
        string[] dogs = Labels("--ignore-class", "cat", "--max-detections", "1");
        Assert.InRange(dogs.Length, 1, 5);
        Assert.All(dogs, l => Assert.Equal("dog", l));

        var unknown = CliRunner.Run("predict", folder, "--model", Model, "--device", "cpu", "--only-class", "horse");
        Assert.Equal(ExitCodes.Usage, unknown.Code);
        Assert.Empty(unknown.Out);
        Assert.Equal("--only-class: unknown class 'horse'; the model's classes: cat, dog\n", unknown.Err);
    }

    [Fact]
    public void DrawnImagesHaveTheClassColourOnTheBoxEdges()
    {
        using var files = new TempFiles();
        string folder = PredictImages.MixedFolder(Path.Combine(files.Dir, "mixed"));
        string media = Path.Combine(files.Dir, "media");

        var (code, stdout, _) = CliRunner.Run("predict", folder, "--model", Model, "--device", "cpu", "--save-media-to", media);

        Assert.Equal(ExitCodes.PartialFailure, code);
        Assert.Equal(["01_good.jpg", "03_good.png", "08_good.png"], Directory.GetFiles(media).Select(Path.GetFileName).Order());
        int checkedBoxes = 0;
        foreach (JsonElement line in Lines(stdout).Where(l => l.TryGetProperty("objects", out _) && l.GetProperty("file").GetString()!.EndsWith(".png")))
        {
            string file = line.GetProperty("file").GetString()!;
            using var drawn = Image.Load<Rgb24>(Path.Combine(media, Path.GetFileName(file)));
            using var original = Image.Load<Rgb24>(file);
            Assert.Equal((original.Width, original.Height), (drawn.Width, drawn.Height));
            // The most probable box is drawn last: its whole outline has its class's colour.
            JsonElement best = line.GetProperty("objects")[0];
            double[] b = [.. best.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble())];
            var color = DetectionPainter.ColorFor(Array.IndexOf(DetectorFixture.ClassNames, best.GetProperty("label").GetString()) + 1);
            int x1 = (int)Math.Floor(b[0]), y2 = (int)Math.Ceiling(b[3]) - 1, x2 = (int)Math.Ceiling(b[2]) - 1;
            int midY = (int)((b[1] + b[3]) / 2), midX = (int)((b[0] + b[2]) / 2);
            Assert.Equal(color, drawn[x1, midY]);
            Assert.Equal(color, drawn[x2, midY]);
            Assert.Equal(color, drawn[midX, y2]);
            Assert.NotEqual(original[midX, y2], drawn[midX, y2]);
            checkedBoxes++;
        }
        Assert.Equal(2, checkedBoxes);
    }

    [Fact]
    public void VocOutputReadsBackToTheSameBoxesAndCocoAndJsonLinesEvaluateToTheSameMap()
    {
        using var files = new TempFiles();
        string root = Path.Combine(files.Dir, "VOCdevkit");
        string images = PredictImages.GoodFolder(Path.Combine(root, "JPEGImages"), 5);
        string voc = Path.Combine(files.Dir, "voc");
        string jsonl = Path.Combine(files.Dir, "p.jsonl"), coco = Path.Combine(files.Dir, "p.json"), csv = Path.Combine(files.Dir, "p.csv");

        var run = CliRunner.Run("predict", images, "--model", Model, "--device", "cpu", "--min-prob", "0.05", "--output", jsonl);
        Assert.Equal(ExitCodes.Ok, run.Code);
        Assert.Equal(ExitCodes.Ok, CliRunner.Run("predict", images, "--model", Model, "--device", "cpu", "--min-prob", "0.05", "--format", "coco", "--output", coco).Code);
        Assert.Equal(ExitCodes.Ok, CliRunner.Run("predict", images, "--model", Model, "--device", "cpu", "--min-prob", "0.05", "--format", "voc", "--output", voc).Code);
        var csvRun = CliRunner.Run("predict", images, "--model", Model, "--device", "cpu", "--min-prob", "0.05", "--format", "csv", "--output", csv);
        Assert.Equal(ExitCodes.Ok, csvRun.Code);
        Assert.Empty(csvRun.Out);
        Assert.Contains($"Wrote {csv}\n", csvRun.Err);

        JsonElement[] lines = Lines(File.ReadAllText(jsonl));
        string[] csvRows = File.ReadAllLines(csv);
        Assert.Equal(CsvWriter.Header, csvRows[0]);
        Assert.Equal(lines.Sum(l => Math.Max(1, l.GetProperty("objects").GetArrayLength())), csvRows.Length - 1);
        // VOC: one XML per image whose boxes are the detector's own (written 1-based, read back 0-based).
        foreach (JsonElement line in lines)
        {
            string file = line.GetProperty("file").GetString()!;
            VocAnnotation annotation = VocAnnotationFile.Read(Path.Combine(voc, Path.GetFileNameWithoutExtension(file) + ".xml"));
            Assert.Equal(Path.GetFileName(file), annotation.FileName);
            Assert.Equal((line.GetProperty("width").GetInt32(), line.GetProperty("height").GetInt32()), (annotation.Width, annotation.Height));
            Detection[] expected = fixture.Detector.Predict(file, new DetectionOverrides { ScoreThreshold = 0.05f }).Where(d => d.Score >= 0.05f).ToArray();
            Assert.Equal(expected.Select(d => (d.ClassName, d.X1, d.Y1, d.X2, d.Y2)), annotation.Objects.Select(o => (o.Name, o.Box.X1, o.Box.Y1, o.Box.X2, o.Box.Y2)));
        }

        // Ground truth: the confident detections, every other one dropped and the rest moved a little, so mAP is neither 0 nor 1.
        Directory.CreateDirectory(Path.Combine(root, "Annotations"));
        Directory.CreateDirectory(Path.Combine(root, "ImageSets", "Main"));
        foreach (JsonElement line in lines)
        {
            string file = line.GetProperty("file").GetString()!;
            var objects = line.GetProperty("objects").EnumerateArray().Where(o => o.GetProperty("prob").GetDouble() >= 0.5).Where((_, k) => k % 2 == 0)
                .Select((o, k) =>
                {
                    float[] b = [.. o.GetProperty("bbox").EnumerateArray().Select(v => (float)v.GetDouble())];
                    float shift = k % 3 == 0 ? 0 : 0.3f * (b[2] - b[0]);
                    return new VocObject(o.GetProperty("label").GetString()!, new VocBox(b[0] + shift, b[1], b[2] + shift, b[3]));
                }).ToList();
            VocAnnotationFile.Write(Path.Combine(root, "Annotations", Path.GetFileNameWithoutExtension(file) + ".xml"),
                new VocAnnotation(Path.GetFileName(file), line.GetProperty("width").GetInt32(), line.GetProperty("height").GetInt32(), objects));
        }
        File.WriteAllLines(Path.Combine(root, "ImageSets", "Main", "test.txt"), lines.Select(l => Path.GetFileNameWithoutExtension(l.GetProperty("file").GetString())!));

        var fromJsonl = CliRunner.Run("eval", "--predictions", jsonl, "--dataset", root, "--classes", "cat,dog");
        var fromCoco = CliRunner.Run("eval", "--predictions", coco, "--dataset", root, "--classes", "cat,dog");
        Assert.True(fromJsonl.Code == ExitCodes.Ok, fromJsonl.Err);
        Assert.True(fromCoco.Code == ExitCodes.Ok, fromCoco.Err);
        Assert.Equal(fromJsonl.Out, fromCoco.Out);
        string map = fromJsonl.Out.Split('\n').Single(l => l.StartsWith("mAP@0.5 (VOC2007 11-point): ", StringComparison.Ordinal));
        double value = double.Parse(map.Split(' ')[3], CultureInfo.InvariantCulture);
        Assert.InRange(value, 0.05, 0.99);
    }

    [Theory]
    [InlineData("lumi predict: give exactly one of --model FILE.onnx or --checkpoint ID|ALIAS|PATH\n", "predict", "x.png")]
    [InlineData("--format voc writes one XML file per image: give their folder with --output DIR\n", "predict", "IMAGES", "--model", "MODEL", "--format", "voc")]
    [InlineData("--format: 'xml' is unknown; valid: jsonl, coco, voc, csv\n", "predict", "IMAGES", "--model", "MODEL", "--format", "xml")]
    [InlineData("lumi predict: give the images to predict: files, directories, glob patterns or @list files\n", "predict", "--model", "MODEL")]
    [InlineData("--min-prob: 1.5 is out of range [0, 1]\n", "predict", "IMAGES", "--model", "MODEL", "--min-prob", "1.5")]
    public void BadOptionsAreUsageErrors(string message, params string[] args)
    {
        using var files = new TempFiles();
        string images = PredictImages.GoodFolder(Path.Combine(files.Dir, "good"), 1);
        var (code, stdout, stderr) = CliRunner.Run(args.Select(a => a switch { "IMAGES" => images, "MODEL" => Model, _ => a }).ToArray());
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Empty(stdout);
        Assert.Equal(message, stderr);
    }

    [Fact]
    public void AMissingInputIsAnInputDataError()
    {
        var (code, _, stderr) = CliRunner.Run("predict", "/nonexistent/photos", "--model", Model, "--device", "cpu");
        Assert.Equal(ExitCodes.InputData, code);
        Assert.Equal("/nonexistent/photos: no such file or directory\n", stderr);
    }
}
