using System.CommandLine;
using Lumi.Cli.Errors;

namespace Lumi.Cli.Commands;

/// <summary><c>lumi checkpoint</c>: Manage checkpoints: the local store, the remote index, torchvision weight import. Its implementation is tracked in issue 6.</summary>
public static class CheckpointCommand
{
    public const int Issue = 6;

    public static Command Create()
    {
        var command = new Command("checkpoint", "Manage checkpoints: the local store, the remote index, torchvision weight import.");
        command.SetAction(NotBuiltYet.Action("checkpoint", Issue));
        return command;
    }
}
