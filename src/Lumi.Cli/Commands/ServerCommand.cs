using System.CommandLine;
using Lumi.Cli.Errors;

namespace Lumi.Cli.Commands;

/// <summary><c>lumi server</c>: Serve a model over HTTP with a page to try it (lumi server web). Its implementation is tracked in issue 9.</summary>
public static class ServerCommand
{
    public const int Issue = 9;

    public static Command Create()
    {
        var command = new Command("server", "Serve a model over HTTP with a page to try it (lumi server web).");
        var device = CommonOptions.Device();
        command.Options.Add(device);
        command.SetAction(int (ParseResult result) =>
        {
            _ = result.GetValue(device); // checked while parsing; each backend resolves it when the command runs
            throw NotBuiltYet.Command("server", Issue);
        });
        return command;
    }
}
