using System.CommandLine;

namespace Lumi.Cli.Commands;

/// <summary><c>lumi eval</c>: Evaluate a checkpoint or an ONNX model on a VOC-format split (VOC07, VOC12 and COCO metrics). Its implementation is tracked in issue 7.</summary>
public static class EvalCommand
{
    public const int Issue = 7;

    public static Command Create() => PlannedCommand.Create("eval", "Evaluate a checkpoint or an ONNX model on a VOC-format split (VOC07, VOC12 and COCO metrics).", Issue, takesClasses: true);
}
