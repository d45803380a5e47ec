using Lumi.Cli.Errors;
using Lumi.Models.Checkpoints;
using Lumi.Models.FasterRcnn;
using Microsoft.ML.OnnxRuntime;

namespace Lumi.Cli.Tests.Commands;

/// <summary><c>lumi export</c> end to end: a checkpoint folder in, an ONNX file that ONNX Runtime opens out.</summary>
[Collection(Lumi.Cli.Tests.Commands.LumiHomeCollection.Name)]
public sealed class ExportCommandTests
{
    [Fact]
    public void ExportsACheckpointFolderToAGraphOnnxRuntimeLoads()
    {
        using var files = new TempFiles();
        string folder = Path.Combine(files.Dir, "ckpt");
        TinyCheckpoint.Write(folder);
        string onnx = Path.Combine(files.Dir, "model.onnx");

        var (code, stdout, stderr) = CliRunner.Run("export", "--checkpoint", folder, "--output", onnx, "--score-threshold", "0.3");

        Assert.True(code == ExitCodes.Ok, stderr);
        Assert.StartsWith($"Exported checkpoint 0123456789ab (fasterrcnn_resnet18_fpn, 2 classes; ", stdout);
        using var session = new InferenceSession(onnx);
        Assert.Equal(new[] { "boxes", "scores", "labels", "batch_index" }, session.OutputMetadata.Keys);
        Assert.Equal("[\"cat\",\"dog\"]", session.ModelMetadata.CustomMetadataMap["lumi.classes"]);
    }

    [Fact]
    public void MissingCheckpointIsAUsageError()
    {
        var (code, stdout, stderr) = CliRunner.Run("export", "--output", "x.onnx");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Empty(stdout);
        Assert.Equal("lumi export: give the checkpoint with --checkpoint ID|ALIAS|PATH\n", stderr);
    }

    [Fact]
    public void UnknownCheckpointIsBadInputNamingIt()
    {
        using var files = new TempFiles();
        var (code, _, stderr) = CliRunner.Run("export", "--checkpoint", "no-such-checkpoint", "--output", Path.Combine(files.Dir, "x.onnx"));
        Assert.Equal(ExitCodes.InputData, code);
        Assert.StartsWith("checkpoint 'no-such-checkpoint': no such path, and no checkpoint with that id or alias in ", stderr);
    }
}
