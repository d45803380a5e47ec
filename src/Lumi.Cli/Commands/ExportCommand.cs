using System.CommandLine;
using Lumi.Cli.Errors;

namespace Lumi.Cli.Commands;

/// <summary><c>lumi export</c>: Export a checkpoint as one ONNX graph, from image tensor to final detections. Its implementation is tracked in issue 4.</summary>
public static class ExportCommand
{
    public const int Issue = 4;

    public static Command Create()
    {
        var command = new Command("export", "Export a checkpoint as one ONNX graph, from image tensor to final detections.");
        var config = new ConfigOptions();
        config.AddTo(command);
        command.SetAction(int (ParseResult result) =>
        {
            var loaded = config.Load(result);
            if (config.PrintIfAsked(result, loaded))
            {
                return ExitCodes.Ok;
            }
            throw NotBuiltYet.Command("export", Issue);
        });
        return command;
    }
}
