using Lumi.Cli.Errors;
using Lumi.Data.Paths;
using Lumi.Models.Checkpoints;
using Lumi.Models.FasterRcnn;

namespace Lumi.Cli.Tests.Commands;

/// <summary><c>lumi eval --checkpoint</c>: exported once into <c>$LUMI_HOME/cache/&lt;id&gt;/</c>, reused the second time.</summary>
[Collection(LumiHomeCollection.Name)]
public sealed class EvalCheckpointTests
{
    [Fact]
    public void ACheckpointIsExportedOnceIntoTheCacheThenReused()
    {
        using var files = new TempFiles();
        string root = EvalCommandTests.Dataset(files);
        string folder = Path.Combine(files.Dir, "ckpt");
        TinyCheckpoint.Write(folder, new TransformOptions { MinSize = 160, MaxSize = 320 });
        string? before = Environment.GetEnvironmentVariable(LumiHome.Variable);
        Environment.SetEnvironmentVariable(LumiHome.Variable, Path.Combine(files.Dir, "home"));
        try
        {
            var first = CliRunner.Run("eval", "--checkpoint", folder, "--dataset", root, "--device", "cpu");
            var second = CliRunner.Run("eval", "--checkpoint", folder, "--dataset", root, "--device", "cpu");

            Assert.True(first.Code == ExitCodes.Ok, first.Err);
            Assert.True(second.Code == ExitCodes.Ok, second.Err);
            string[] cached = Directory.GetFiles(Path.Combine(files.Dir, "home", "cache", "0123456789ab"));
            string onnx = Assert.Single(cached);
            Assert.Matches(@"[0-9a-f]{16}\.onnx$", onnx);
            Assert.StartsWith($"Exported checkpoint 0123456789ab (", first.Err);
            Assert.Contains($": {onnx}\n", first.Err);
            Assert.StartsWith($"Reusing the export of checkpoint 0123456789ab (", second.Err);
            Assert.Contains("mAP@0.5 (VOC2007 11-point): ", second.Out);
        }
        finally
        {
            Environment.SetEnvironmentVariable(LumiHome.Variable, before);
        }
    }
}
