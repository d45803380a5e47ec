using System.Diagnostics;
using Lumi.Cli.Errors;
using Lumi.Data.Errors;
using Lumi.Models.Checkpoints;
using Lumi.Models.Export;

namespace Lumi.Cli.Export;

/// <summary>
/// The ONNX graph of a checkpoint for commands that must not load libtorch (<c>lumi server web --checkpoint</c>): the
/// export cache entry <c>$LUMI_HOME/cache/&lt;checkpoint id&gt;/&lt;hash&gt;.onnx</c> that <c>lumi eval --checkpoint</c>
/// shares (<see cref="ExportCache.PathFor"/>, default export options), written when missing by a child
/// <c>lumi export</c> process, so that libtorch is loaded in the child only and the caller starts and stays small.
/// </summary>
public static class CheckpointExportProcess
{
    /// <summary>
    /// The cached graph of <paramref name="reference"/> (id, alias or path), exported by a child process when the cache
    /// lacks it. Says on <paramref name="log"/> which one it used.
    /// </summary>
    public static string GetOrExport(string reference, TextWriter log)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        ArgumentNullException.ThrowIfNull(log);
        // Locating the checkpoint and reading checkpoint.json is file and JSON work: nothing here touches TorchSharp.
        CheckpointInfo info;
        string description;
        using (ResolvedCheckpoint resolved = CheckpointLocator.Locate(reference))
        {
            try
            {
                info = CheckpointReader.ReadInfo(resolved.Folder, verifyFiles: false);
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                throw new InputDataException(e.Message, e);
            }
            description = $"checkpoint {info.Id} ({resolved.Description})";
        }
        string path = ExportCache.PathFor(info.Id, new ExportOptions { Arch = info.Arch });
        if (File.Exists(path))
        {
            log.WriteLine($"Reusing the export of {description}: {path}");
            return path;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temp = $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}.onnx";
        try
        {
            // A path is passed as a full path (the child's working directory is the same, but say exactly what was found).
            string argument = Directory.Exists(reference) || File.Exists(reference) ? Path.GetFullPath(reference) : reference;
            log.WriteLine($"Exporting {description} to ONNX in a child 'lumi export' process…");
            RunExport(argument, temp);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        log.WriteLine($"Exported {description}: {path}");
        return path;
    }

    private static void RunExport(string reference, string output)
    {
        ProcessStartInfo start = LumiStartInfo();
        foreach (string arg in new[] { "export", "--checkpoint", reference, "--output", output })
            start.ArgumentList.Add(arg);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using Process process = Process.Start(start)
            ?? throw new UnavailableException($"cannot start '{start.FileName}' to export the checkpoint");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        string errors = stderr.GetAwaiter().GetResult().Trim();
        _ = stdout.GetAwaiter().GetResult();
        if (process.ExitCode == ExitCodes.Ok && File.Exists(output)) return;
        string message = $"lumi export failed (exit code {process.ExitCode}): {(errors.Length > 0 ? errors : "it printed nothing")}";
        throw process.ExitCode switch
        {
            ExitCodes.Usage => new UsageException(message),
            ExitCodes.InputData => new InputDataException(message),
            ExitCodes.Unavailable => new UnavailableException(message),
            _ => new InvalidOperationException(message),
        };
    }

    /// <summary>This <c>lumi</c>: its apphost beside lumi.dll, else <c>dotnet lumi.dll</c> with the running host.</summary>
    public static ProcessStartInfo LumiStartInfo()
    {
        string dll = typeof(LumiCli).Assembly.Location;
        string folder = Path.GetDirectoryName(dll)!;
        string apphost = Path.Combine(folder, OperatingSystem.IsWindows() ? "lumi.exe" : "lumi");
        if (File.Exists(apphost)) return new ProcessStartInfo(apphost);
        string? host = Environment.ProcessPath;
        if (host is null || !Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(host);
        start.ArgumentList.Add(dll);
        return start;
    }
}
