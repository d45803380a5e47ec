using System.CommandLine;
using System.Diagnostics;
using Lumi.Data.Errors;
using Lumi.Models.Checkpoints;
using Lumi.Models.Export;

namespace Lumi.Cli.Commands;

/// <summary><c>lumi export</c>: a checkpoint as one ONNX graph, from image tensor to final detections (shared/DESIGN.md §4).</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string?>("--checkpoint")
        {
            Description = "The checkpoint: a folder, a .tar.gz, a training run directory, or an id or alias in $LUMI_HOME.",
            HelpName = "ID|ALIAS|PATH",
        };
        var output = new Option<FileInfo?>("--output") { Description = "Where to write the graph.", HelpName = "FILE.onnx" };
        var score = new Option<double?>("--score-threshold") { Description = "Default score_threshold stored in the graph (a client may override it). Default: the checkpoint's model.roi_heads.score_threshold." };
        var nms = new Option<double?>("--nms-threshold") { Description = "Default nms_threshold stored in the graph. Default: the checkpoint's model.roi_heads.nms_threshold." };
        var detections = new Option<int?>("--detections-per-image") { Description = "Default detections_per_image stored in the graph. Default: the checkpoint's model.roi_heads.detections_per_image." };

        var command = new Command("export", "Export a checkpoint as one ONNX graph, from image tensor to final detections.");
        foreach (var option in new Option[] { checkpoint, output, score, nms, detections })
            command.Options.Add(option);
        command.SetAction(int (ParseResult result) =>
        {
            string reference = result.GetValue(checkpoint)
                ?? throw new UsageException("lumi export: give the checkpoint with --checkpoint ID|ALIAS|PATH");
            FileInfo file = result.GetValue(output)
                ?? throw new UsageException("lumi export: give the output file with --output FILE.onnx");
            CheckRange("--score-threshold", result.GetValue(score), 0, 1);
            CheckRange("--nms-threshold", result.GetValue(nms), 0, 1);
            if (result.GetValue(detections) is int d && d < 1)
                throw new UsageException($"--detections-per-image: {d} must be at least 1");

            var stopwatch = Stopwatch.StartNew();
            using var resolved = CheckpointLocator.Locate(reference, result.InvocationConfiguration.Error.WriteLine);
            using var loaded = CheckpointReader.Read(resolved.Folder);
            using var model = Lumi.Models.FasterRcnn.FasterRcnn.FromCheckpoint(loaded);
            var options = new ExportOptions
            {
                ScoreThreshold = result.GetValue(score),
                NmsThreshold = result.GetValue(nms),
                DetectionsPerImage = result.GetValue(detections),
                Arch = loaded.Info.Arch,
            };
            OnnxExporter.Export(model, loaded.Info.Classes, options, file.FullName);
            file.Refresh();
            result.InvocationConfiguration.Output.WriteLine(
                $"Exported checkpoint {loaded.Info.Id} ({loaded.Info.Arch}, {loaded.Info.Classes.Count} classes; {resolved.Description}) " +
                $"to {file.FullName} ({file.Length / 1e6:F1} MB) in {stopwatch.Elapsed.TotalSeconds:F1} s");
            return 0;
        });
        return command;
    }

    private static void CheckRange(string name, double? value, double min, double max)
    {
        if (value is double v && (v < min || v > max || double.IsNaN(v)))
            throw new UsageException($"{name}: {v} is out of range [{min}, {max}]");
    }
}
