using System.CommandLine;
using System.Globalization;
using Lumi.Cli.Errors;
using Lumi.Data.Errors;
using Lumi.Data.Paths;
using Lumi.Models.Checkpoints;
using Lumi.Models.Checkpoints.Store;
using Spectre.Console;

namespace Lumi.Cli.Commands;

/// <summary>
/// <c>lumi checkpoint</c>: the local store (<c>$LUMI_HOME/checkpoints</c>), the remote index and sharing (issue 6), and
/// <c>import --torchvision</c>, which turns torchvision weights into a Lumi checkpoint. The work is done by
/// <see cref="CheckpointStore"/>, <see cref="RemoteIndex"/> and <see cref="CheckpointDownloader"/>.
/// </summary>
public static class CheckpointCommand
{
    public static Command Create()
    {
        var command = new Command("checkpoint", "Manage checkpoints: the local store, the remote index, torchvision weight import.");
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateInfo());
        command.Subcommands.Add(CreateCreate());
        command.Subcommands.Add(CreateExport());
        command.Subcommands.Add(CreateImport());
        command.Subcommands.Add(CreateRefresh());
        command.Subcommands.Add(CreateDownload());
        command.Subcommands.Add(CreateDelete());
        return command;
    }

    private static Argument<string> Reference() => new("ID")
    {
        Description = "A checkpoint's id or alias.",
        HelpName = "ID|ALIAS",
    };

    private static Command CreateList()
    {
        var command = new Command("list", "List the checkpoints in the store and in the remote index (refresh it with lumi checkpoint refresh).");
        command.SetAction(int (ParseResult result) =>
        {
            var store = CheckpointStore.Default;
            CheckpointIndex index;
            try
            {
                index = new RemoteIndex(store).Load();
            }
            catch (LumiException e)
            {
                // The store is still worth listing when the index cannot be had.
                result.InvocationConfiguration.Error.WriteLine($"warning: {e.Message}; listing the store only");
                index = CheckpointIndex.Empty("(none)");
            }
            var rows = CheckpointCatalog.List(store, index);
            var table = new Table().Border(TableBorder.Ascii);
            foreach (string column in new[] { "id", "name", "alias", "kind", "dataset", "classes", "source", "status" })
                table.AddColumn(column);
            foreach (var row in rows)
            {
                table.AddRow(
                    row.Id, Markup.Escape(row.Name), Markup.Escape(row.Alias ?? "-"), row.Kind == CheckpointKind.Detector ? "detector" : "backbone",
                    Markup.Escape(row.Dataset.Name), row.Kind == CheckpointKind.Backbone ? "-" : row.Classes.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(row.Source), row.Status.ToString().ToLowerInvariant());
            }
            var stdout = result.InvocationConfiguration.Output;
            Write(stdout, table);
            stdout.WriteLine($"{rows.Count} checkpoint(s): {rows.Count(r => r.Status != CheckpointStatus.Remote)} in {store.Root}, index {index.Source}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateInfo()
    {
        var id = Reference();
        var command = new Command("info", "Show everything about one checkpoint: its checkpoint.json, its size on disk, its index entry.");
        command.Arguments.Add(id);
        command.SetAction(int (ParseResult result) =>
        {
            var store = CheckpointStore.Default;
            var row = CheckpointCatalog.Find(store, new RemoteIndex(store).Load(), result.GetValue(id)!);
            var stdout = result.InvocationConfiguration.Output;
            foreach (string line in CheckpointCatalog.Describe(row)) stdout.WriteLine(line);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateCreate()
    {
        var run = new Argument<DirectoryInfo>("RUN_DIR") { Description = "A training run's folder: its best checkpoint is used, else its last." };
        var name = new Option<string?>("--name") { Description = "Checkpoint name (default: the run folder's name)." };
        var alias = new Option<string?>("--alias") { Description = "A short alias to refer to the checkpoint by." };
        var description = new Option<string?>("--description") { Description = "Free text kept in checkpoint.json." };
        var command = new Command("create", "Turn a training run's best (or last) checkpoint into a store checkpoint: weights and model configuration only.");
        command.Arguments.Add(run);
        foreach (var option in new Option[] { name, alias, description }) command.Options.Add(option);
        command.SetAction(int (ParseResult result) =>
        {
            string? aliasValue = CheckAlias(result.GetValue(alias));
            var created = CheckpointStore.Default.CreateFromRun(result.GetValue(run)!.FullName, result.GetValue(name), aliasValue, result.GetValue(description), out string chosen);
            result.InvocationConfiguration.Output.WriteLine($"Created checkpoint {created.Info.Id} ({created.Info.Name}{AliasText(created.Info)}) from {chosen} in {created.Folder}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateExport()
    {
        var id = Reference();
        var output = new Option<FileInfo?>("--output") { Description = "The archive to write (default: ID.tar.gz in the current folder).", HelpName = "FILE.tar.gz" };
        var command = new Command("export", "Pack a checkpoint of the store as a .tar.gz to share (lumi checkpoint import reads it).");
        command.Arguments.Add(id);
        command.Options.Add(output);
        command.SetAction(int (ParseResult result) =>
        {
            var store = CheckpointStore.Default;
            string reference = result.GetValue(id)!;
            string archive = result.GetValue(output)?.FullName ?? Path.GetFullPath(store.Get(reference).Info.Id + ".tar.gz");
            var exported = store.Export(reference, archive);
            long size = new FileInfo(archive).Length;
            result.InvocationConfiguration.Output.WriteLine(
                string.Create(CultureInfo.InvariantCulture, $"Exported checkpoint {exported.Info.Id} ({exported.Info.Name}) to {archive} ({size / 1e6:F1} MB)"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateImport()
    {
        var source = new Argument<string?>("SOURCE")
        {
            Description = "A checkpoint archive (.tar.gz) or folder to copy into the store (every sha256 is verified).",
            HelpName = "FILE.tar.gz|DIR",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var torchvision = new Option<FileInfo?>("--torchvision")
        {
            Description = "Instead: torchvision weights (.pth, zip or legacy format; read as data, nothing in it runs): a Faster R-CNN state dict, or ImageNet classification weights with --arch resnetNN.",
            HelpName = "FILE.pth",
        };
        var arch = new Option<string>("--arch")
        {
            Description = $"With --torchvision: a detector ({string.Join(", ", TorchvisionImporter.Architectures)}) " +
                $"or, for ImageNet classification weights, a backbone ({string.Join(", ", TorchvisionImporter.BackboneArchitectures)}).",
            HelpName = "ARCH",
            DefaultValueFactory = _ => "fasterrcnn_resnet50_fpn",
        };
        arch.AcceptOnlyFromAmong(TorchvisionImporter.Architectures.Concat(TorchvisionImporter.BackboneArchitectures).ToArray());
        var classes = CommonOptions.Classes();
        var bnEps = new Option<double>("--bn-eps")
        {
            Description = "With --torchvision: frozen batch-norm epsilon. torchvision's published COCO weights need 0 (the default); use 1e-5 for models trained with torchvision's defaults.",
            DefaultValueFactory = _ => 0.0,
        };
        var name = new Option<string?>("--name") { Description = "With --torchvision: checkpoint name (default: the file name)." };
        var alias = new Option<string?>("--alias") { Description = "With --torchvision: a short alias to refer to the checkpoint by." };
        var description = new Option<string?>("--description") { Description = "With --torchvision: free text kept in checkpoint.json." };
        var output = new Option<DirectoryInfo?>("--output")
        {
            Description = "With --torchvision: where to write the checkpoint folder (default: $LUMI_HOME/checkpoints/<id>, LUMI_HOME defaulting to ~/.lumi).",
            HelpName = "DIR",
        };
        var torchvisionOnly = new Option[] { arch, classes, bnEps, name, alias, description, output };

        var command = new Command("import", "Import a checkpoint archive or folder into the store, or torchvision weights (--torchvision FILE.pth) as a Lumi checkpoint.");
        command.Arguments.Add(source);
        command.Options.Add(torchvision);
        foreach (var option in torchvisionOnly) command.Options.Add(option);
        command.SetAction(int (ParseResult result) =>
        {
            var stdout = result.InvocationConfiguration.Output;
            FileInfo? file = result.GetValue(torchvision);
            string? path = result.GetValue(source);
            if (file is not null && path is not null)
                throw new UsageException("lumi checkpoint import: give either FILE.tar.gz|DIR or --torchvision FILE.pth, not both");
            if (file is null)
            {
                if (path is null)
                    throw new UsageException("lumi checkpoint import: give a checkpoint archive or folder (FILE.tar.gz|DIR), or --torchvision FILE.pth");
                if (torchvisionOnly.FirstOrDefault(o => result.GetResult(o) is { Implicit: false }) is { } extra)
                    throw new UsageException($"lumi checkpoint import: {extra.Name} applies to --torchvision only; an archive or folder brings its own checkpoint.json");
                var imported = CheckpointStore.Default.Import(path);
                stdout.WriteLine($"Imported checkpoint {imported.Info.Id} ({imported.Info.Name}{AliasText(imported.Info)}) from {path} into {imported.Folder}");
                return ExitCodes.Ok;
            }

            string archName = result.GetValue(arch)!;
            bool backbone = TorchvisionImporter.BackboneArchitectures.Contains(archName);
            // ImageNet weights were trained with torchvision's default epsilon.
            double eps = backbone && result.GetResult(bnEps) is not { Implicit: false } ? 1e-5 : result.GetValue(bnEps);
            if (eps < 0 || eps > 1) throw new UsageException($"--bn-eps: {eps} is out of range [0, 1]");
            if (backbone && result.GetResult(classes) is { Implicit: false })
                throw new UsageException($"--classes: a backbone ({archName}) has no detection classes");
            string id = CheckpointId.New();
            var options = new TorchvisionImportOptions
            {
                Id = id,
                Arch = archName,
                Classes = CommonOptions.GetClasses(result, classes),
                BatchNormEps = eps,
                Name = result.GetValue(name),
                Alias = CheckAlias(result.GetValue(alias)),
                Description = result.GetValue(description),
            };
            string folder = result.GetValue(output)?.FullName ?? Path.Combine(LumiHome.Checkpoints, id);
            var info = backbone ? TorchvisionImporter.ImportBackbone(file.FullName, options, folder) : TorchvisionImporter.Import(file.FullName, options, folder);
            string what = backbone ? "backbone" : $"{info.Classes.Count} classes";
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Imported {file.Name} as checkpoint {info.Id} ({info.Arch}, {what}, batch-norm eps {eps}) in {folder}"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateRefresh()
    {
        var url = new Option<string?>("--index-url")
        {
            Description = $"The index: an http(s) or file URL or a path (default: ${RemoteIndex.UrlVariable}, else the index built into lumi).",
            HelpName = "URL",
        };
        var command = new Command("refresh", "Fetch the remote checkpoint index and keep it in $LUMI_HOME/index.json.");
        command.Options.Add(url);
        command.SetAction(int (ParseResult result) =>
        {
            var remote = new RemoteIndex(CheckpointStore.Default);
            var index = remote.Refresh(result.GetValue(url));
            result.InvocationConfiguration.Output.WriteLine($"Index {index.Source}: {index.Entries.Count} checkpoint(s), saved in {remote.CachePath}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateDownload()
    {
        var id = Reference();
        var command = new Command("download", "Download a checkpoint of the remote index into the store (resumed where the server allows; verified before it is installed).");
        command.Arguments.Add(id);
        command.SetAction(int (ParseResult result) =>
        {
            string reference = result.GetValue(id)!;
            var store = CheckpointStore.Default;
            var index = new RemoteIndex(store).Load();
            var entry = index.Find(reference);
            if (entry is null)
            {
                string local = store.Find(reference) is { } stored ? $" (the store has it: checkpoint {stored.Info.Id}, status local)" : "";
                throw new InputDataException($"checkpoint '{reference}': no entry with that id or alias in the index {index.Source}{local}; lumi checkpoint list shows the index");
            }
            var stdout = result.InvocationConfiguration.Output;
            var stderr = result.InvocationConfiguration.Error;
            if (store.Find(entry.Id) is null)
            {
                string size = entry.Size is long bytes ? string.Create(CultureInfo.InvariantCulture, $", {bytes / 1e6:F1} MB") : "";
                stderr.WriteLine($"Downloading checkpoint {entry.Id} ({entry.Name}{size}) from {entry.Url}");
            }
            var printer = new DownloadProgressPrinter(stderr.WriteLine, $"download {entry.Id}");
            var downloaded = new CheckpointDownloader(store).Download(entry, printer.Report, stderr.WriteLine, out bool present);
            stdout.WriteLine(present
                ? $"Checkpoint {entry.Id} ({entry.Name}{AliasText(downloaded.Info)}) is already in the store: {downloaded.Folder}"
                : $"Downloaded checkpoint {entry.Id} ({entry.Name}{AliasText(downloaded.Info)}) into {downloaded.Folder}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateDelete()
    {
        var id = Reference();
        var yes = new Option<bool>("--yes", "-y") { Description = "Delete without asking." };
        var command = new Command("delete", "Remove a checkpoint from the store (asks first unless --yes).");
        command.Arguments.Add(id);
        command.Options.Add(yes);
        command.SetAction(int (ParseResult result) =>
        {
            var store = CheckpointStore.Default;
            var target = store.Get(result.GetValue(id)!);
            var stdout = result.InvocationConfiguration.Output;
            if (!result.GetValue(yes))
            {
                string question = $"Delete checkpoint {target.Info.Id} ({target.Info.Name}{AliasText(target.Info)}) from {target.Folder}?";
                if (!Confirmation.Ask(result.InvocationConfiguration.Error, question, "--yes"))
                {
                    stdout.WriteLine($"Kept checkpoint {target.Info.Id}.");
                    return ExitCodes.Ok;
                }
            }
            store.Delete(target.Info.Id);
            stdout.WriteLine($"Deleted checkpoint {target.Info.Id} ({target.Info.Name}) from {store.Root}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string? CheckAlias(string? alias)
    {
        if (alias is not null && (alias.Length == 0 || alias.Any(c => char.IsWhiteSpace(c) || c is '/' or '\\') || CheckpointId.IsValid(alias)))
            throw new UsageException($"--alias: '{alias}' must be a non-empty name without spaces or slashes that does not look like a checkpoint id");
        return alias;
    }

    private static string AliasText(CheckpointInfo info) => info.Alias is null ? "" : $", alias {info.Alias}";

    private static void Write(TextWriter writer, Table table)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 160;
        console.Write(table);
    }
}
