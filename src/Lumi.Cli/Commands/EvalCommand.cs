using System.CommandLine;
using Lumi.Cli.Errors;

namespace Lumi.Cli.Commands;

/// <summary><c>lumi eval</c>: Evaluate a checkpoint or an ONNX model on a VOC-format split (VOC07, VOC12 and COCO metrics). Its implementation is tracked in issue 7.</summary>
public static class EvalCommand
{
    public const int Issue = 7;

    public static Command Create()
    {
        var command = new Command("eval", "Evaluate a checkpoint or an ONNX model on a VOC-format split (VOC07, VOC12 and COCO metrics).");
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
            throw NotBuiltYet.Command("eval", Issue);
        });
        return command;
    }
}
