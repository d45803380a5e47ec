using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Lumi.Cli.Config;
using Lumi.Cli.Errors;
using Lumi.Data.Errors;
using Lumi.Models.Training;

namespace Lumi.Cli.Commands;

/// <summary>
/// <c>lumi train</c>: trains a Faster R-CNN on VOC-format data with TorchSharp (CUDA or CPU). Only parses options: each
/// flag is the same as its <c>-o</c> override (applied after the <c>-o</c> ones); the work is
/// <see cref="Trainer.Run"/>. Ctrl-C or SIGTERM finishes the step, writes the last checkpoint and exits 130.
/// </summary>
public static class TrainCommand
{
    public const int Issue = 8;

    public static Command Create()
    {
        var dataset = new Option<string[]>("--dataset") { Description = "A VOCdevkit root (Annotations/, ImageSets/Main/, JPEGImages/); repeat for several (e.g. VOC2007 and VOC2012).", HelpName = "DIR", AllowMultipleArgumentsPerToken = false };
        var trainSplit = new Option<string?>("--train-split") { Description = "The training split (ImageSets/Main/SPLIT.txt); same as -o data.train_split=SPLIT.", HelpName = "SPLIT" };
        var valSplit = new Option<string?>("--val-split") { Description = "The validation split, evaluated every train.eval_every steps (best checkpoint by mAP@0.5); same as -o data.test_split=SPLIT, but must exist.", HelpName = "SPLIT" };
        var classes = CommonOptions.Classes();
        var steps = new Option<int?>("--steps") { Description = "Stop after this many optimizer steps; same as -o train.max_steps=N.", HelpName = "N" };
        var epochs = new Option<int?>("--epochs") { Description = "Passes over the training split; same as -o train.epochs=N.", HelpName = "N" };
        var batchSize = new Option<int?>("--batch-size") { Description = "Images per step; same as -o train.batch_size=N.", HelpName = "N" };
        var lr = new Option<double?>("--lr") { Description = "Learning rate for train.reference_batch_size images; same as -o train.learning_rate=X.", HelpName = "X" };
        var seed = new Option<int?>("--seed") { Description = "Seed of initialization, data order and augmentation; same as -o train.seed=N.", HelpName = "N" };
        var runDir = new Option<string?>("--run-dir") { Description = "The run folder (default runs/<name>, the name from the last -c file).", HelpName = "DIR" };
        var name = new Option<string?>("--name") { Description = "The run's name (default: the last -c file's name, else 'train').", HelpName = "NAME" };
        var initFrom = new Option<string?>("--init-from") { Description = "Start from these weights: a checkpoint (id, alias, folder, .tar.gz, run folder) or a torchvision .pth.", HelpName = "ID|ALIAS|PATH" };
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this folder exactly where it stopped (its config, data and classes; -o may change e.g. train.max_steps).", HelpName = "RUN_DIR" };
        var device = CommonOptions.Device();
        var quiet = new Option<bool>("--quiet") { Description = "No progress bar." };
        var config = new ConfigOptions();

        var command = new Command("train", "Train a Faster R-CNN on VOC-format data with TorchSharp (CUDA or CPU).");
        config.AddTo(command);
        foreach (var option in new Option[] { dataset, trainSplit, valSplit, classes, steps, epochs, batchSize, lr, seed, runDir, name, initFrom, resume, device, quiet })
            command.Options.Add(option);
        command.SetAction(int (ParseResult result) =>
        {
            string? resumeDir = result.GetValue(resume);
            RunRecord? previous = resumeDir is null ? null : RunRecord.Read(resumeDir);
            var files = new List<string>();
            if (previous is not null) files.Add(Path.Combine(resumeDir!, RunFolder.ConfigFile));
            files.AddRange(result.GetValue(config.Files) ?? []);
            var overrides = new List<string>(result.GetValue(config.Overrides) ?? []);
            void Flag<T>(string key, T? value) where T : struct
            {
                if (value is T v) overrides.Add(string.Create(CultureInfo.InvariantCulture, $"{key}={v}"));
            }
            Flag("train.max_steps", result.GetValue(steps));
            Flag("train.epochs", result.GetValue(epochs));
            Flag("train.batch_size", result.GetValue(batchSize));
            Flag("train.learning_rate", result.GetValue(lr));
            Flag("train.seed", result.GetValue(seed));
            if (result.GetValue(trainSplit) is string ts) overrides.Add($"data.train_split={ts}");
            string? val = result.GetValue(valSplit) ?? previous?.ValSplit;
            if (val is not null) overrides.Add($"data.test_split={val}");
            var loaded = ConfigLoader.Load(files, overrides);
            var classList = CommonOptions.GetClasses(result, classes);
            var deviceSpec = result.GetValue(device);
            if (config.PrintIfAsked(result, loaded)) return ExitCodes.Ok;
            if (previous is not null && classList is not null)
                throw new UsageException("lumi train --resume: the run's classes are fixed (classes.json); leave out --classes");
            if (previous is not null && result.GetValue(initFrom) is not null)
                throw new UsageException("lumi train --resume: the run continues from its own last checkpoint; leave out --init-from");

            string[] roots = result.GetValue(dataset) is { Length: > 0 } given ? given : previous?.Datasets ?? [];
            string runName = result.GetValue(name) ?? previous?.Name
                ?? (files.Count > 0 ? Path.GetFileNameWithoutExtension(files[^1]) : "train");
            IEnumerable<string> layers = new[] { ConfigLoader.BaseName }.Concat(files).Concat(overrides.Select(o => "-o " + o));
            var options = new TrainRunOptions
            {
                Model = loaded.Options.Model,
                Train = loaded.Options.Train,
                Data = loaded.Options.Data,
                Datasets = roots,
                ValSplit = val,
                Classes = classList,
                Name = runName,
                RunDir = resumeDir ?? result.GetValue(runDir),
                InitFrom = result.GetValue(initFrom),
                Resume = resumeDir is not null,
                Device = deviceSpec ?? Lumi.Data.Devices.DeviceSpec.Auto,
                Quiet = result.GetValue(quiet),
                ConfigYaml = loaded.ToYaml(layers),
            };

            TextWriter stderr = result.InvocationConfiguration.Error;
            using var stop = new CancellationTokenSource();
            void OnSignal(PosixSignalContext context)
            {
                if (stop.IsCancellationRequested) return; // a second signal ends the process at once
                context.Cancel = true;
                stderr.WriteLine($"{context.Signal}: finishing the current step, then writing a checkpoint (send it again to abort without one)");
                stop.Cancel();
            }
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            TrainResult outcome = Trainer.Run(options, stderr, stop.Token);
            result.InvocationConfiguration.Output.WriteLine(outcome.RunDir);
            return outcome.Interrupted ? ExitCodes.Interrupted : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>What <c>run.json</c> of a run folder says (for <c>--resume</c>).</summary>
    private sealed record RunRecord(string Name, string[] Datasets, string? ValSplit)
    {
        public static RunRecord Read(string runDir)
        {
            string path = Path.Combine(runDir, RunFolder.RunFile);
            if (!File.Exists(path))
                throw new InputDataException($"--resume {runDir}: not a run folder (no {RunFolder.RunFile})");
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(path));
                var root = doc.RootElement;
                return new RunRecord(
                    root.GetProperty("name").GetString() ?? "train",
                    root.GetProperty("datasets").EnumerateArray().Select(e => e.GetString() ?? "").ToArray(),
                    root.TryGetProperty("val_split", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new InputDataException($"{path}: not a run record: {e.Message}", e);
            }
        }
    }
}
