using System.Diagnostics;
using System.Globalization;
using Lumi.Cli.Errors;
using Lumi.Data.Errors;
using Lumi.Data.Metrics;

namespace Lumi.Cli.Quickstart;

/// <summary>
/// <c>lumi quickstart</c>: the whole pipeline on a synthetic dataset, each step the real <c>lumi</c> command run
/// in this process with the arguments printed as a user would type them — synthesize, train, export, evaluate,
/// predict — then where everything is and what to try next.
/// </summary>
public sealed class QuickstartRunner
{
    /// <summary>The file that marks a folder as a quickstart's, so <c>--force</c> never deletes anything else.</summary>
    public const string MarkerFile = ".lumi-quickstart";

    /// <summary>The configuration layers written into the output folder and passed to <c>lumi train</c>, in order.</summary>
    public static IReadOnlyList<string> ConfigFiles { get; } = ["fasterrcnn_r18fpn_tiny.yml"];

    private readonly QuickstartOptions _options;
    private readonly TextWriter _stdout;
    private readonly TextWriter _stderr;
    private readonly string _root;

    public QuickstartRunner(QuickstartOptions options, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Images < 20) throw new UsageException($"--images: {options.Images} is too few; at least 20 (70 % of them train)");
        if (options.Steps < 1) throw new UsageException($"--steps: {options.Steps} must be at least 1");
        _options = options;
        _stdout = stdout;
        _stderr = stderr;
        _root = Path.GetFullPath(options.Output);
    }

    public string DataDir => Path.Combine(_root, "data");
    public string RunDir => Path.Combine(_root, "run");
    public string ModelPath => Path.Combine(_root, "model.onnx");
    public string MetricsPath => Path.Combine(_root, "metrics.json");
    public string PlotsDir => Path.Combine(_root, "plots");
    public string PredictionsPath => Path.Combine(_root, "predictions.jsonl");
    public string MediaDir => Path.Combine(_root, "predictions");
    private string ConfigDir => Path.Combine(_root, "configs");
    private string TestListPath => Path.Combine(_root, "test-images.txt");

    /// <summary>Runs every step; returns the exit code of the first step that failed, else 0.</summary>
    public int Run()
    {
        PrepareFolder();
        var total = Stopwatch.StartNew();
        string device = _options.Device.ToString();
        string seed = _options.Seed.ToString(CultureInfo.InvariantCulture);

        var steps = new List<(QuickstartStep Step, Action? Before)>
        {
            (new QuickstartStep("Synthesize a VOC-format dataset of shapes on cluttered backgrounds",
                ["dataset", "synth", "--output", DataDir, "--images", Invariant(_options.Images), "--seed", seed]), null),
            (new QuickstartStep("Train a tiny Faster R-CNN (ResNet-18 + FPN, from scratch) on the train split, validating on val",
                ["train", .. ConfigFiles.SelectMany(f => new[] { "-c", Path.Combine(ConfigDir, f) }),
                 "--dataset", DataDir, "--train-split", "train", "--val-split", "val",
                 "--steps", Invariant(_options.Steps), "--seed", seed, "--run-dir", RunDir, "--device", device]), null),
            (new QuickstartStep("Export the best checkpoint to one ONNX graph",
                ["export", "--checkpoint", RunDir, "--output", ModelPath]), null),
            (new QuickstartStep("Evaluate the ONNX model on the held-out test split",
                ["eval", "--model", ModelPath, "--dataset", DataDir, "--split", "test", "--output", MetricsPath,
                 "--plots", PlotsDir, "--device", device]), null),
            (new QuickstartStep("Predict the test images with ONNX Runtime and draw the detections",
                ["predict", "--model", ModelPath, "@" + TestListPath, "--output", PredictionsPath,
                 "--save-media-to", MediaDir, "--device", device]), WriteTestList),
        };

        for (int i = 0; i < steps.Count; i++)
        {
            var (step, before) = steps[i];
            before?.Invoke();
            _stderr.WriteLine();
            _stderr.WriteLine($"[{i + 1}/{steps.Count}] {step.Title}");
            _stderr.WriteLine($"  $ {step.CommandLine}");
            var watch = Stopwatch.StartNew();
            int code = LumiCli.Run(step.Arguments.ToArray(), _stdout, _stderr);
            if (code != ExitCodes.Ok)
            {
                _stderr.WriteLine(
                    $"lumi quickstart: step {i + 1} ({step.CommandLine.Split(' ')[1]}) failed with exit code {code}; " +
                    $"what the earlier steps made is kept in {_root}");
                return code;
            }
            _stderr.WriteLine($"  done in {Format(watch.Elapsed)}");
        }
        PrintSummary(total.Elapsed);
        return ExitCodes.Ok;
    }

    private void PrepareFolder()
    {
        if (File.Exists(_root))
        {
            throw new UsageException($"--output: '{_options.Output}' is a file; give a folder for the quickstart");
        }
        if (Directory.Exists(_root) && Directory.EnumerateFileSystemEntries(_root).Any())
        {
            bool ours = File.Exists(Path.Combine(_root, MarkerFile));
            if (!ours || !_options.Force)
            {
                throw new UsageException(ours
                    ? $"--output: '{_options.Output}' holds an earlier quickstart; pass --force to replace it, or choose another --output"
                    : $"--output: '{_options.Output}' exists and is not empty (and is not a quickstart folder); choose another --output");
            }
            Directory.Delete(_root, recursive: true);
        }
        Directory.CreateDirectory(ConfigDir);
        File.WriteAllText(Path.Combine(_root, MarkerFile), "A folder written by lumi quickstart; lumi quickstart --force may replace it.\n");
        foreach (string file in ConfigFiles)
        {
            File.WriteAllText(Path.Combine(ConfigDir, file), QuickstartConfigs.Read(file));
        }
    }

    /// <summary>The test split's images as a list file for <c>lumi predict @LIST</c> (written after the dataset exists).</summary>
    private void WriteTestList()
    {
        string split = Path.Combine(DataDir, "ImageSets", "Main", "test.txt");
        var paths = File.ReadLines(split)
            .Select(line => line.Trim())
            .Where(id => id.Length > 0)
            .Select(id => Path.Combine(DataDir, "JPEGImages", id + ".jpg"));
        File.WriteAllLines(TestListPath, paths);
    }

    private void PrintSummary(TimeSpan elapsed)
    {
        var result = MetricsJson.Deserialize(File.ReadAllText(MetricsPath));
        string map = result.HeadlineValue is double value ? value.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";
        string rel(string path) => Path.GetRelativePath(Environment.CurrentDirectory, path);
        _stderr.WriteLine();
        _stderr.WriteLine($"Quickstart finished in {Format(elapsed)}: {result.HeadlineName} on the held-out test split = {map}");
        _stderr.WriteLine();
        _stderr.WriteLine("Where everything is:");
        _stderr.WriteLine($"  dataset          {rel(DataDir)}/  (VOC layout: Annotations/, ImageSets/Main/, JPEGImages/)");
        _stderr.WriteLine($"  training run     {rel(RunDir)}/  (config.yml, metrics.jsonl, tensorboard/, checkpoints/best/ and last/)");
        _stderr.WriteLine($"  ONNX model       {rel(ModelPath)}");
        _stderr.WriteLine($"  metrics          {rel(MetricsPath)}, precision-recall curves in {rel(PlotsDir)}/");
        _stderr.WriteLine($"  predictions      {rel(PredictionsPath)}, annotated images in {rel(MediaDir)}/");
        _stderr.WriteLine();
        _stderr.WriteLine("Next:");
        _stderr.WriteLine($"  train on your own VOC data:  ./lumi train -c {rel(Path.Combine(ConfigDir, ConfigFiles[0]))} --dataset path/to/VOCdevkit/VOC2007 --classes voc");
        _stderr.WriteLine("  (add -c configs/tiny/fasterrcnn_r18cntk_tiny.yml for an ImageNet-trained ResNet-18; configs/voc/ holds the GPU recipe)");
        _stderr.WriteLine($"  predict a folder:            ./lumi predict --model {rel(ModelPath)} photos/ --save-media-to out/");
        _stderr.WriteLine($"  try it in a browser:         ./lumi server web --model {rel(ModelPath)}   (then open http://127.0.0.1:5000)");
        _stderr.WriteLine($"  watch training curves:       tensorboard --logdir {rel(RunDir)}");
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Format(TimeSpan time) =>
        time.TotalMinutes >= 1 ? $"{(int)time.TotalMinutes} min {time.Seconds} s" : $"{time.TotalSeconds:0.0} s";
}
