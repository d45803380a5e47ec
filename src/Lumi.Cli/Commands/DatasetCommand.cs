using System.CommandLine;
using Lumi.Cli.Errors;

namespace Lumi.Cli.Commands;

/// <summary><c>lumi dataset</c>: Check, synthesize and convert VOC-format datasets. Its implementation is tracked in issue 9.</summary>
public static class DatasetCommand
{
    public const int Issue = 9;

    public static Command Create()
    {
        var command = new Command("dataset", "Check, synthesize and convert VOC-format datasets.");
        command.SetAction(NotBuiltYet.Action("dataset", Issue));
        return command;
    }
}
