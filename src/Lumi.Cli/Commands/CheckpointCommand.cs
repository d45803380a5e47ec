using System.CommandLine;
using Lumi.Cli.Errors;
using Lumi.Data.Errors;
using Lumi.Data.Paths;
using Lumi.Models.Checkpoints;

namespace Lumi.Cli.Commands;

/// <summary>
/// <c>lumi checkpoint</c>: the local store, the remote index and sharing (issue 6), and
/// <c>import --torchvision</c>, which turns torchvision weights into a Lumi checkpoint.
/// </summary>
public static class CheckpointCommand
{
    public const int Issue = 6;

    private static readonly (string Name, string Description)[] StoreVerbs =
    {
        ("list", "List local and remotely known checkpoints."),
        ("info", "Show everything about one checkpoint."),
        ("create", "Turn a training run's best (or last) checkpoint into a store checkpoint."),
        ("export", "Pack a checkpoint as a .tar.gz to share."),
        ("refresh", "Fetch the remote checkpoint index."),
        ("download", "Download a checkpoint from the remote index."),
        ("delete", "Remove a checkpoint from the store."),
    };

    public static Command Create()
    {
        var command = new Command("checkpoint", "Manage checkpoints: the local store, the remote index, torchvision weight import.");
        command.Subcommands.Add(CreateImport());
        foreach (var (name, description) in StoreVerbs)
        {
            var verb = new Command(name, description);
            verb.SetAction(NotBuiltYet.Action($"checkpoint {name}", Issue));
            command.Subcommands.Add(verb);
        }
        return command;
    }

    private static Command CreateImport()
    {
        var torchvision = new Option<FileInfo?>("--torchvision")
        {
            Description = "A torchvision Faster R-CNN state dict (.pth, zip or legacy format; read as data, nothing in it runs).",
            HelpName = "FILE.pth",
        };
        var arch = new Option<string>("--arch")
        {
            Description = $"The torchvision architecture: {string.Join(", ", TorchvisionImporter.Architectures)}.",
            HelpName = "ARCH",
            DefaultValueFactory = _ => "fasterrcnn_resnet50_fpn",
        };
        arch.AcceptOnlyFromAmong(TorchvisionImporter.Architectures.ToArray());
        var classes = CommonOptions.Classes();
        var bnEps = new Option<double>("--bn-eps")
        {
            Description = "Frozen batch-norm epsilon. torchvision's published COCO weights need 0 (the default); use 1e-5 for models trained with torchvision's defaults.",
            DefaultValueFactory = _ => 0.0,
        };
        var name = new Option<string?>("--name") { Description = "Checkpoint name (default: the file name)." };
        var alias = new Option<string?>("--alias") { Description = "A short alias to refer to the checkpoint by." };
        var description = new Option<string?>("--description") { Description = "Free text kept in checkpoint.json." };
        var output = new Option<DirectoryInfo?>("--output")
        {
            Description = $"Where to write the checkpoint folder (default: $LUMI_HOME/checkpoints/<id>, LUMI_HOME defaulting to ~/.lumi).",
            HelpName = "DIR",
        };

        var command = new Command("import", "Import weights from another tool as a Lumi checkpoint (torchvision .pth state dicts).");
        foreach (var option in new Option[] { torchvision, arch, classes, bnEps, name, alias, description, output })
            command.Options.Add(option);
        command.SetAction(int (ParseResult result) =>
        {
            FileInfo file = result.GetValue(torchvision)
                ?? throw new UsageException("lumi checkpoint import: give the weights with --torchvision FILE.pth (the only source supported)");
            double eps = result.GetValue(bnEps);
            if (eps < 0 || eps > 1) throw new UsageException($"--bn-eps: {eps} is out of range [0, 1]");
            string id = CheckpointId.New();
            var options = new TorchvisionImportOptions
            {
                Id = id,
                Arch = result.GetValue(arch)!,
                Classes = CommonOptions.GetClasses(result, classes),
                BatchNormEps = eps,
                Name = result.GetValue(name),
                Alias = result.GetValue(alias),
                Description = result.GetValue(description),
            };
            string folder = result.GetValue(output)?.FullName ?? Path.Combine(LumiHome.Checkpoints, id);
            var info = TorchvisionImporter.Import(file.FullName, options, folder);
            var stdout = result.InvocationConfiguration.Output;
            stdout.WriteLine($"Imported {file.Name} as checkpoint {info.Id} ({info.Arch}, {info.Classes.Count} classes, batch-norm eps {eps}) in {folder}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
