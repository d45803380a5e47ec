using System.CommandLine;

namespace Lumi.Cli.Commands;

/// <summary><c>lumi train</c>: Train a Faster R-CNN on VOC-format data with TorchSharp (CUDA or CPU). Its implementation is tracked in issue 8.</summary>
public static class TrainCommand
{
    public const int Issue = 8;

    public static Command Create() => PlannedCommand.Create("train", "Train a Faster R-CNN on VOC-format data with TorchSharp (CUDA or CPU).", Issue, takesClasses: true);
}
