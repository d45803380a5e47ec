using System.Diagnostics;
using System.Text.Json;
using Lumi.Cli.Errors;
using Lumi.Cli.Processes;
using Lumi.Data.Paths;
using Lumi.Models.FasterRcnn;

namespace Lumi.Cli.Tests.Commands;

/// <summary>
/// <c>lumi predict</c> as a real process (<c>dotnet lumi.dll</c>): libtorch is never among its loaded libraries, with
/// <c>--model</c> or with <c>--checkpoint</c> (exported by a child <c>lumi export</c>, which does load it). The dynamic
/// linker's own log (<c>LD_DEBUG=files</c>, one file per process id) lists every library each process loads, dlopen included.
/// </summary>
[Collection(LumiHomeCollection.Name)]
public sealed class PredictProcessTests
{
    [Fact]
    public void PredictWithACheckpointExportsInAChildAndNeverLoadsLibtorch()
    {
        using var files = new TempFiles();
        string images = PredictImages.GoodFolder(Path.Combine(files.Dir, "images"), 2);
        string checkpoint = Path.Combine(files.Dir, "ckpt");
        TinyCheckpoint.Write(checkpoint, new TransformOptions { MinSize = 160, MaxSize = 320 });
        string home = Path.Combine(files.Dir, "home");

        var first = RunLumi(files, home, "predict", images, "--checkpoint", checkpoint, "--device", "cpu", "--min-prob", "0");
        string onnx = Assert.Single(Directory.GetFiles(Path.Combine(home, "cache", TinyCheckpoint.Id)));

        Assert.True(first.Code == ExitCodes.Ok, first.Err);
        Assert.Matches(@"[0-9a-f]{16}\.onnx$", onnx);
        Assert.StartsWith($"Exporting checkpoint {TinyCheckpoint.Id} (", first.Err);
        Assert.Contains($"Exported checkpoint {TinyCheckpoint.Id} (", first.Err);
        Assert.Equal(2, first.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.All(first.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => JsonDocument.Parse(l).RootElement.GetProperty("objects"));

        // The predict process loaded ONNX Runtime and never libtorch; the export child did load it (so the check sees it).
        Assert.Contains("libonnxruntime.so", first.LinkerLog);
        Assert.DoesNotContain("libtorch", first.LinkerLog);
        Assert.Contains(first.OtherLogs, log => log.Contains("libtorch_cpu.so") || log.Contains("libtorch.so"));

        // With --model: the same.
        var second = RunLumi(files, home, "predict", images, "--model", onnx, "--device", "cpu");
        Assert.True(second.Code == ExitCodes.Ok, second.Err);
        Assert.Empty(second.OtherLogs);
        Assert.Contains("libonnxruntime.so", second.LinkerLog);
        Assert.DoesNotContain("libtorch", second.LinkerLog);

        // Another --checkpoint run finds the export in the cache (in-process here: no child needed).
        string? before = Environment.GetEnvironmentVariable(LumiHome.Variable);
        Environment.SetEnvironmentVariable(LumiHome.Variable, home);
        try
        {
            var third = CliRunner.Run("predict", images, "--checkpoint", checkpoint, "--device", "cpu");
            Assert.True(third.Code == ExitCodes.Ok, third.Err);
            Assert.StartsWith($"Reusing the export of checkpoint {TinyCheckpoint.Id} (", third.Err);
            Assert.Contains($": {onnx}\n", third.Err);
        }
        finally
        {
            Environment.SetEnvironmentVariable(LumiHome.Variable, before);
        }
    }

    private static (int Code, string Out, string Err, string LinkerLog, string[] OtherLogs) RunLumi(TempFiles files, string home, params string[] args)
    {
        string logs = Directory.CreateTempSubdirectory("lumi-ld-").FullName;
        try
        {
            ProcessStartInfo info = LumiProcess.StartInfo(args);
            info.Environment[LumiHome.Variable] = home;
            info.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
            info.Environment["LD_DEBUG"] = "files";
            info.Environment["LD_DEBUG_OUTPUT"] = Path.Combine(logs, "ld");
            using var process = Process.Start(info)!;
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            string own = Path.Combine(logs, $"ld.{process.Id}");
            Assert.True(File.Exists(own), $"no linker log {own}");
            string[] others = Directory.GetFiles(logs).Where(f => f != own).Select(File.ReadAllText).ToArray();
            return (process.ExitCode, stdout.Result, stderr.Result, File.ReadAllText(own), others);
        }
        finally
        {
            Directory.Delete(logs, recursive: true);
        }
    }
}
