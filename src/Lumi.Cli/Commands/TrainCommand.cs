using System.CommandLine;
using Lumi.Cli.Errors;

namespace Lumi.Cli.Commands;

/// <summary><c>lumi train</c>: Train a Faster R-CNN on VOC-format data with TorchSharp (CUDA or CPU). Its implementation is tracked in issue 8.</summary>
public static class TrainCommand
{
    public const int Issue = 8;

    public static Command Create()
    {
        var command = new Command("train", "Train a Faster R-CNN on VOC-format data with TorchSharp (CUDA or CPU).");
        var config = new ConfigOptions();
        config.AddTo(command);
        var device = CommonOptions.Device();
        command.Options.Add(device);
        var classes = CommonOptions.Classes();
        command.Options.Add(classes);
        command.SetAction(int (ParseResult result) =>
        {
            var loaded = config.Load(result);
            CommonOptions.GetClasses(result, classes);
            _ = result.GetValue(device); // checked while parsing; each backend resolves it when the command runs
            if (config.PrintIfAsked(result, loaded))
            {
                return ExitCodes.Ok;
            }
            throw NotBuiltYet.Command("train", Issue);
        });
        return command;
    }
}
