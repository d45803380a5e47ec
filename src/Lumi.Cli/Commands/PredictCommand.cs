using System.CommandLine;

namespace Lumi.Cli.Commands;

/// <summary><c>lumi predict</c>: Detect objects in images and folders with ONNX Runtime (CUDA or CPU). Its implementation is tracked in issue 5.</summary>
public static class PredictCommand
{
    public const int Issue = 5;

    public static Command Create() => PlannedCommand.Create("predict", "Detect objects in images and folders with ONNX Runtime (CUDA or CPU).", Issue, takesClasses: false);
}
