using System.CommandLine;
using Lumi.Cli.Errors;

namespace Lumi.Cli.Commands;

/// <summary><c>lumi predict</c>: Detect objects in images and folders with ONNX Runtime (CUDA or CPU). Its implementation is tracked in issue 5.</summary>
public static class PredictCommand
{
    public const int Issue = 5;

    public static Command Create()
    {
        var command = new Command("predict", "Detect objects in images and folders with ONNX Runtime (CUDA or CPU).");
        var config = new ConfigOptions();
        config.AddTo(command);
        var device = CommonOptions.Device();
        command.Options.Add(device);
        command.SetAction(int (ParseResult result) =>
        {
            var loaded = config.Load(result);
            _ = result.GetValue(device); // checked while parsing; each backend resolves it when the command runs
            if (config.PrintIfAsked(result, loaded))
            {
                return ExitCodes.Ok;
            }
            throw NotBuiltYet.Command("predict", Issue);
        });
        return command;
    }
}
