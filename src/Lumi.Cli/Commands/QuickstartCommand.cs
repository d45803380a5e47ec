using System.CommandLine;
using Lumi.Cli.Errors;

namespace Lumi.Cli.Commands;

/// <summary><c>lumi quickstart</c>: Run the whole pipeline on a synthetic dataset on this machine, in minutes. Its implementation is tracked in issue 9.</summary>
public static class QuickstartCommand
{
    public const int Issue = 9;

    public static Command Create()
    {
        var command = new Command("quickstart", "Run the whole pipeline on a synthetic dataset on this machine, in minutes.");
        var device = CommonOptions.Device();
        command.Options.Add(device);
        command.SetAction(int (ParseResult result) =>
        {
            _ = result.GetValue(device); // checked while parsing; each backend resolves it when the command runs
            throw NotBuiltYet.Command("quickstart", Issue);
        });
        return command;
    }
}
