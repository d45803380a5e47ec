using System.CommandLine;
using System.Globalization;
using Lumi.Data.Classes;
using Lumi.Data.Devices;
using Lumi.Data.Errors;
using Lumi.Data.Evaluation;
using Lumi.Data.Metrics;
using Lumi.Data.Metrics.Plotting;
using Lumi.Data.Voc;
using Lumi.Inference;
using Lumi.Inference.Devices;
using Lumi.Models.Export;
using Spectre.Console;

namespace Lumi.Cli.Commands;

/// <summary><c>lumi eval</c>: VOC07, VOC12 and COCO metrics of saved predictions, an ONNX model or a checkpoint on a VOC split (issue 7).</summary>
public static class EvalCommand
{
    /// <summary>A file whose lowest score is at least this was probably predicted with a high <c>--min-prob</c>.</summary>
    public const double HighLowestScore = 0.2;

    public static Command Create()
    {
        var predictions = new Option<FileInfo?>("--predictions") { Description = "Saved predictions: JSON lines as lumi predict writes them, or a COCO results array.", HelpName = "FILE" };
        var model = new Option<FileInfo?>("--model") { Description = "An ONNX graph exported by lumi export: predicts every image of the split.", HelpName = "FILE.onnx" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "A checkpoint (id, alias or path): exported once into $LUMI_HOME/cache, then as --model.", HelpName = "ID|ALIAS|PATH" };
        var dataset = new Option<string[]>("--dataset") { Description = "A VOCdevkit root (Annotations/, ImageSets/Main/, JPEGImages/); repeat for several.", HelpName = "DIR", AllowMultipleArgumentsPerToken = false };
        var split = new Option<string>("--split") { Description = "The split to evaluate (ImageSets/Main/SPLIT.txt).", DefaultValueFactory = _ => "test" };
        var metric = new Option<string>("--metric") { Description = "The headline metric: voc07 (11-point, the VOC2007 test metric), voc12 (area under the curve) or coco (AP@[0.50:0.95]).", HelpName = "voc07|voc12|coco", DefaultValueFactory = _ => "voc07" };
        var output = new Option<FileInfo?>("--output") { Description = "Write the full result as JSON.", HelpName = "metrics.json" };
        var plots = new Option<DirectoryInfo?>("--plots") { Description = "Write one precision-recall curve PNG per class into this folder.", HelpName = "DIR" };
        var score = new Option<double>("--score-threshold") { Description = "With --model or --checkpoint: the lowest score kept (low, so the curve reaches high recall).", DefaultValueFactory = _ => DetectorEvaluation.EvaluationScoreThreshold };
        var classes = CommonOptions.Classes();
        var device = CommonOptions.Device();
        var config = new ConfigOptions();

        var command = new Command("eval", "Evaluate saved predictions, an ONNX model or a checkpoint on a VOC-format split (VOC07, VOC12 and COCO metrics).");
        config.AddTo(command);
        foreach (var option in new Option[] { predictions, model, checkpoint, dataset, split, classes, metric, output, plots, score, device })
            command.Options.Add(option);
        command.SetAction(int (ParseResult result) =>
        {
            var loaded = config.Load(result);
            ClassList? classList = CommonOptions.GetClasses(result, classes);
            var deviceSpec = result.GetValue(device);
            if (config.PrintIfAsked(result, loaded)) return 0;
            TextWriter stdout = result.InvocationConfiguration.Output;
            TextWriter stderr = result.InvocationConfiguration.Error;

            FileInfo? predictionsFile = result.GetValue(predictions);
            FileInfo? modelFile = result.GetValue(model);
            string? checkpointRef = result.GetValue(checkpoint);
            int sources = (predictionsFile is null ? 0 : 1) + (modelFile is null ? 0 : 1) + (checkpointRef is null ? 0 : 1);
            if (sources != 1)
                throw new UsageException("lumi eval: give exactly one of --predictions FILE, --model FILE.onnx or --checkpoint ID|ALIAS|PATH");
            string[] roots = result.GetValue(dataset) ?? [];
            if (roots.Length == 0)
                throw new UsageException("lumi eval: give the dataset with --dataset DIR (a VOCdevkit root; repeat for several)");
            string splitName = result.GetValue(split)!;
            var headline = ParseMetric(result.GetValue(metric)!);
            double threshold = result.GetValue(score);
            if (!(threshold >= 0 && threshold <= 1))
                throw new UsageException($"--score-threshold: {threshold.ToString(CultureInfo.InvariantCulture)} is out of range [0, 1]");

            PredictionsFile? saved = predictionsFile is null ? null : PredictionsFile.Read(predictionsFile.FullName);
            string? onnx = modelFile?.FullName;
            if (checkpointRef is not null)
            {
                onnx = ExportCache.GetOrExport(checkpointRef, new ExportOptions(), out bool exported, out string description, stderr.WriteLine);
                stderr.WriteLine($"{(exported ? "Exported" : "Reusing the export of")} {description}: {onnx}");
            }
            if (onnx is not null && !File.Exists(onnx))
                throw new InputDataException($"{onnx}: model file not found");

            using Detector? detector = onnx is null ? null : Detector.Load(onnx, new DetectorOptions { Device = OnnxDevice.Resolve(deviceSpec ?? DeviceSpec.Auto, stderr.WriteLine) });
            // Without --classes: a model's own classes; saved predictions use the classes found in the annotations.
            classList ??= detector is null ? null : new ClassList(detector.Classes);
            var readOptions = VocReadOptions.FromData(loaded.Options.Data, roots, splitName, classList) with { KeepNegatives = true };
            var voc = VocDataset.Load(readOptions);
            IReadOnlyList<string> names = voc.Classes;

            IReadOnlyList<EvaluationImage> images;
            if (saved is not null)
            {
                images = EvaluationSet.FromPredictions(voc.Images, names, saved, splitName, out var failed);
                if (failed.Count > 0)
                {
                    stderr.WriteLine($"warning: {failed.Count} image(s) failed in {saved.Path} and count as having no detections: " +
                        string.Join("; ", failed.Take(EvaluationSet.ListedInErrors).Select(f => $"'{f.Stem}' ({f.Error})")) +
                        (failed.Count > EvaluationSet.ListedInErrors ? $"; and {failed.Count - EvaluationSet.ListedInErrors} more" : ""));
                }
                if (saved.LowestScore is double lowest && lowest >= HighLowestScore)
                {
                    stderr.WriteLine($"warning: the lowest score in {saved.Path} is {lowest.ToString("0.###", CultureInfo.InvariantCulture)}: the predictions look filtered at a high --min-prob, " +
                        "which cuts the precision-recall curve short and understates mAP; for evaluation, predict with --min-prob 0.001 or so");
                }
            }
            else
            {
                var overrides = new DetectionOverrides { ScoreThreshold = (float)threshold, MaxDetections = DetectorEvaluation.EvaluationMaxDetections };
                var progress = new ProgressLine(stderr, "eval", voc.Images.Count);
                images = DetectorEvaluation.Run(detector!, voc.Images, names, overrides, progress.Report);
                progress.Finish("eval: the split has no images");
            }

            var evaluation = DetectionEvaluator.Evaluate(images, names, new EvaluationOptions { Headline = headline });
            PrintTable(stdout, evaluation);
            stdout.WriteLine($"{evaluation.HeadlineName}: {FormatAp(evaluation.HeadlineValue)} on {evaluation.Images} images of split '{splitName}'");
            stdout.WriteLine(SummaryLine(evaluation));
            stdout.WriteLine(evaluation.Description);
            if (result.GetValue(output) is FileInfo json)
            {
                MetricsJson.Write(evaluation, json.FullName);
                stderr.WriteLine($"Wrote {json.FullName}");
            }
            if (result.GetValue(plots) is DirectoryInfo folder)
            {
                Directory.CreateDirectory(folder.FullName);
                var written = PrecisionRecallPlot.WriteAll(evaluation.Curves, folder.FullName);
                stderr.WriteLine($"Wrote {written.Count} precision-recall plots to {folder.FullName}");
            }
            return 0;
        });
        return command;
    }

    private static HeadlineMetric ParseMetric(string text) => text.ToLowerInvariant() switch
    {
        "voc07" => HeadlineMetric.Voc07,
        "voc12" => HeadlineMetric.Voc12,
        "coco" => HeadlineMetric.Coco,
        _ => throw new UsageException($"--metric: '{text}' is unknown; valid: voc07, voc12, coco"),
    };

    private static void PrintTable(TextWriter writer, EvaluationResult evaluation)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 100;
        var table = new Table().Border(TableBorder.Ascii);
        table.AddColumn("class");
        table.AddColumn(new TableColumn("AP").RightAligned());
        table.AddColumn(new TableColumn("GT objects").RightAligned());
        table.AddColumn(new TableColumn("difficult").RightAligned());
        table.AddColumn(new TableColumn("detections").RightAligned());
        foreach (var row in evaluation.Classes)
        {
            table.AddRow(
                Markup.Escape(row.Name),
                row.Ap is double ap ? FormatAp(ap) : "-",
                row.GroundTruth.ToString(CultureInfo.InvariantCulture),
                row.Difficult.ToString(CultureInfo.InvariantCulture),
                row.Detections.ToString(CultureInfo.InvariantCulture));
        }
        console.Write(table);
    }

    private static string SummaryLine(EvaluationResult e)
    {
        string line = $"VOC2007 11-point mAP {FormatAp(e.Voc.Map07)}, VOC2010+ mAP {FormatAp(e.Voc.Map12)}";
        if (e.Coco is { } c)
            line += $"; COCO AP {FormatAp(c.Ap)}, AP50 {FormatAp(c.Ap50)}, AP75 {FormatAp(c.Ap75)}, APs {FormatAp(c.ApSmall)}, APm {FormatAp(c.ApMedium)}, APl {FormatAp(c.ApLarge)}, AR@100 {FormatAp(c.Ar100)}";
        return line;
    }

    private static string FormatAp(double? value) => value?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "n/a";
}
