using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Lumi.Data.Synthetic;
using Lumi.Models.Checkpoints;
using Lumi.Models.Training;

namespace Lumi.Cli.Tests.Commands;

/// <summary>
/// <c>lumi train</c> end to end on small synthetic datasets: learning with the tiny config, Ctrl-C and kill -9 on a
/// real child process, bad data named, flags equal to their overrides.
/// </summary>
[Collection(LumiHomeCollection.Name)]
public sealed class TrainCommandTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private const string TinyConfig = "configs/tiny/fasterrcnn_r18fpn_tiny.yml";
    private readonly TempFiles _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Config => Path.Combine(RepoPaths.Root, TinyConfig);

    /// <summary>The tiny config scaled down for CI: 96-px images, a 32-channel FPN, small heads.</summary>
    private static readonly string[] Small =
    [
        "-o", "model.transform.min_size=96", "-o", "model.transform.max_size=96", "-o", "model.backbone.fpn_channels=32",
        "-o", "model.roi_heads.representation_size=64", "-o", "model.rpn.batch_size_per_image=64", "-o", "model.roi_heads.batch_size_per_image=32",
        "-o", "data.workers=1",
    ];

    private string Dataset(int images = 24, int size = 96, int seed = 3)
    {
        string root = Path.Combine(_temp.Dir, $"voc-{images}-{size}-{seed}");
        if (!Directory.Exists(root))
        {
            SyntheticVoc.Write(root, new SyntheticVocOptions
            {
                Images = images, Width = size, Height = size, Seed = seed, Classes = ["circle", "square"],
                MinObjects = 1, MaxObjects = 2, MinScale = 0.25, MaxScale = 0.5, TinyObjectProbability = 0,
            });
        }
        return root;
    }

    [Fact]
    public void FlagsAreTheSameAsTheirOverrides()
    {
        var (code, stdout, _) = CliRunner.Run("train", "-c", Config, "--steps", "7", "--epochs", "3", "--batch-size", "5", "--lr", "0.5",
            "--seed", "11", "--train-split", "a", "--val-split", "b", "--print-config");
        Assert.Equal(0, code);
        var (_, viaOverrides, _) = CliRunner.Run("train", "-c", Config, "-o", "train.max_steps=7", "-o", "train.epochs=3", "-o", "train.batch_size=5",
            "-o", "train.learning_rate=0.5", "-o", "train.seed=11", "-o", "data.train_split=a", "-o", "data.test_split=b", "--print-config");
        Assert.Equal(Body(viaOverrides), Body(stdout));
        Assert.Contains("max_steps: 7", stdout);
        Assert.Contains("test_split: b", stdout);

        static string Body(string yaml) => string.Join('\n', yaml.Split('\n').Where(l => !l.StartsWith('#')));
    }

    [Fact]
    public void TheTinyConfigLearnsTheShapesAndReachesMap50OfHalfOnHeldOutImages()
    {
        string data = Dataset(images: 60, size: 96, seed: 21);
        string run = Path.Combine(_temp.Dir, "learn");
        var clock = Stopwatch.StartNew();
        var (code, stdout, stderr) = CliRunner.Run([
            "train", "-c", Config, .. Small, "--dataset", data, "--train-split", "train", "--val-split", "val",
            "--steps", "150", "--batch-size", "4", "--lr", "0.02", "-o", "train.reference_batch_size=4", "-o", "train.eval_every=50",
            "-o", "train.lr_schedule.warmup_steps=20", "--run-dir", run]);
        Assert.True(code == 0, stderr);
        Assert.Equal(run, stdout.Trim());
        double[] maps = File.ReadLines(Path.Combine(run, "metrics.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.TryGetProperty("val_map50_voc07", out _))
            .Select(e => e.GetProperty("val_map50_voc07").GetDouble()).ToArray();
        string report = $"mAP@0.5 at steps 50/100/150: {string.Join(", ", maps.Select(m => m.ToString("F3", CultureInfo.InvariantCulture)))} in {clock.Elapsed.TotalSeconds:F0} s\n{stderr}";
        output.WriteLine(report);
        Assert.True(maps.Length == 3, report);
        Assert.True(maps[^1] >= 0.5, report);
        Assert.Contains("Validation at step 150: mAP@0.5 (VOC07 11-point) ", stderr);
        Assert.True(Directory.Exists(Path.Combine(run, "checkpoints", "best")));
    }

    [Fact]
    public void SigtermOrCtrlCFinishesTheStepWritesACheckpointAndSaysHowToResume()
    {
        string data = Dataset();
        string run = Path.Combine(_temp.Dir, "ctrl-c");
        using var child = ChildLumi.Start(["train", "-c", Config, .. Small, "--dataset", data, "--batch-size", "2", "--steps", "1000",
            "-o", "data.train_split=train", "-o", "train.eval_every=-1", "-o", "train.checkpoint_every=1000", "--run-dir", run]);
        child.WaitFor(err => err.Contains("] step ", StringComparison.Ordinal), TimeSpan.FromMinutes(4));
        // SIGTERM: a shell that starts a job in the background makes it (and so this child) ignore SIGINT; the
        // handler is the same for both.
        child.Signal("TERM");
        int code = child.WaitForExit(TimeSpan.FromMinutes(2));
        string stderr = child.Stderr;
        Assert.True(code == 130, stderr);
        Assert.Contains("SIGTERM: finishing the current step, then writing a checkpoint (send it again to abort without one)", stderr);
        Assert.Matches(@$"Interrupted at step (\d+)/1000: checkpoint written to {System.Text.RegularExpressions.Regex.Escape(Path.Combine(run, "checkpoints", "last"))}\. Resume with: lumi train --resume ", stderr);
        int step = int.Parse(System.Text.RegularExpressions.Regex.Match(stderr, @"Interrupted at step (\d+)/").Groups[1].Value, CultureInfo.InvariantCulture);

        var (again, _, resumed) = CliRunner.Run("train", "--resume", run, "--steps", (step + 1).ToString(CultureInfo.InvariantCulture), "--quiet");
        Assert.True(again == 0, resumed);
        Assert.Contains($"Resuming {run} at step {step} ", resumed);
        Assert.Contains($"Done: {step + 1} steps", resumed);
    }

    [Fact]
    public void KillNineAtAnyMomentLeavesTheLastCheckpointIntact()
    {
        string data = Dataset();
        string run = Path.Combine(_temp.Dir, "kill-9");
        string last = Path.Combine(run, "checkpoints", "last");
        var random = new Random(4);
        for (int round = 0; round < 3; round++)
        {
            string[] args = round == 0
                ? ["train", "-c", Config, .. Small, "--dataset", data, "--batch-size", "2", "--steps", "1000", "-o", "data.train_split=train",
                   "-o", "train.eval_every=-1", "-o", "train.checkpoint_every=1", "--run-dir", run]
                : ["train", "--resume", run];
            using var child = ChildLumi.Start(args);
            // A checkpoint replaces the last one after every step: kill at a random moment once one exists and steps run.
            child.WaitFor(err => err.Contains("] step", StringComparison.Ordinal) && Directory.Exists(last), TimeSpan.FromMinutes(4));
            Thread.Sleep(random.Next(0, 1500));
            child.Kill9();

            // What resume does first: finish or undo a replacement cut short, then read a complete, verified checkpoint.
            new RunFolder(run).Recover();
            var info = CheckpointReader.ReadInfo(last);
            var state = TrainingState.Read(Path.Combine(last, RunFolder.StateFolder));
            Assert.Equal(info.Id, state.CheckpointId);
            Assert.Empty(Directory.GetDirectories(Path.Combine(run, "checkpoints"), ".*"));
        }
    }

    public static TheoryData<string, string, int, string> BadData => new()
    {
        { "unknown-class", "error", 3, "Annotations/000001.xml: unknown class 'triangle'; known classes: circle, square (set data.ignore_unknown_classes: true to skip such objects)" },
        { "malformed", "error", 3, "Annotations/000002.xml:4: malformed XML: " },
        { "xxe", "error", 3, "Annotations/000003.xml" },
        { "no-split", "error", 3, ": no split 'train' (ImageSets/Main/train.txt); available: test, trainval, val" },
        { "missing-image", "error", 3, ": image '000004' (ImageSets/Main/train.txt) has no file in JPEGImages/; looked for .jpg, .jpeg, .png, .bmp, .gif, .tif, .tiff, .webp in any case" },
        { "undecodable", "warning", 0, "warning: skipping image '000005' (" },
        { "no-dataset", "error", 2, "lumi train: give the training data with --dataset DIR (a VOCdevkit root; repeat for several)" },
    };

    [Theory]
    [MemberData(nameof(BadData))]
    public void BadDataIsNamed(string problem, string kind, int expectedCode, string message)
    {
        string data = Path.Combine(_temp.Dir, problem);
        CopyFolder(Dataset(), data);
        string ids = Path.Combine(data, "ImageSets", "Main", "train.txt");
        File.WriteAllLines(ids, ["000001", "000002", "000003", "000004", "000005"]);
        switch (problem)
        {
            case "unknown-class":
                File.WriteAllText(Path.Combine(data, "Annotations", "000001.xml"), File.ReadAllText(Path.Combine(data, "Annotations", "000001.xml")).Replace("<name>circle</name>", "<name>triangle</name>").Replace("<name>square</name>", "<name>triangle</name>"));
                break;
            case "malformed":
                File.WriteAllText(Path.Combine(data, "Annotations", "000002.xml"), "<annotation>\n<size><width>96</width><height>96</height></size>\n<object><name>circle</name>\n</annotation>\n");
                break;
            case "xxe":
                File.WriteAllText(Path.Combine(data, "Annotations", "000003.xml"), "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<annotation><filename>&x;</filename></annotation>\n");
                break;
            case "no-split":
                File.Delete(ids);
                break;
            case "missing-image":
                File.Delete(Path.Combine(data, "JPEGImages", "000004.jpg"));
                break;
            case "undecodable":
                File.WriteAllText(Path.Combine(data, "JPEGImages", "000005.jpg"), "garbage");
                break;
        }
        string[] dataset = problem == "no-dataset" ? [] : ["--dataset", data];
        var (code, _, stderr) = CliRunner.Run(["train", "-c", Config, .. Small, .. dataset, "--classes", "circle,square", "--steps", "1", "--batch-size", "5",
            "-o", "data.train_split=train", "-o", "train.eval_every=-1", "--run-dir", Path.Combine(_temp.Dir, "run-" + problem), "--quiet"]);
        Assert.True(code == expectedCode, stderr);
        Assert.Contains(message, stderr);
        if (kind == "warning")
            Assert.Contains("warning: 1 training image(s) could not be decoded and were skipped", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (string dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(dir.Replace(from, to, StringComparison.Ordinal));
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
    }
}
