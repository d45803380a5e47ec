using Lumi.Cli.Errors;
using Lumi.Data.Errors;
using Lumi.Models.Checkpoints;
using Lumi.Models.Export;

namespace Lumi.Cli.Processes;

/// <summary>
/// The ONNX graph of a checkpoint for prediction, from the export cache (<c>$LUMI_HOME/cache/&lt;id&gt;/&lt;hash&gt;.onnx</c>,
/// shared/DESIGN.md §6, the same entry <c>lumi eval --checkpoint</c> uses), exported on a miss by a child
/// <c>lumi export</c> process so that this process never loads libtorch.
/// </summary>
/// <remarks>
/// Only TorchSharp-free parts of <c>Lumi.Models</c> run here: <see cref="CheckpointLocator"/>, <see cref="CheckpointReader.ReadInfo"/>
/// (checkpoint.json, without hashing the weights: the child verifies them when it exports) and <see cref="ExportCache.PathFor"/>.
/// </remarks>
public static class ChildExport
{
    public static string GetOrExport(string reference, TextWriter log)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        ArgumentNullException.ThrowIfNull(log);
        using ResolvedCheckpoint resolved = CheckpointLocator.Locate(reference);
        CheckpointInfo info;
        try
        {
            info = CheckpointReader.ReadInfo(resolved.Folder, verifyFiles: false);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new InputDataException(e.Message, e);
        }
        string description = $"checkpoint {info.Id} ({resolved.Description})";
        // The options lumi export uses by default: the checkpoint's own thresholds and its arch name.
        string path = ExportCache.PathFor(info.Id, new ExportOptions { Arch = info.Arch });
        if (File.Exists(path))
        {
            log.WriteLine($"Reusing the export of {description}: {path}");
            return path;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temporary = $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}.onnx";
        try
        {
            log.WriteLine($"Exporting {description} in a child lumi export process");
            var (code, lastError) = LumiProcess.Run(["export", "--checkpoint", resolved.Folder, "--output", temporary], log);
            if (code != ExitCodes.Ok)
            {
                string message = $"{description}: the child 'lumi export' failed with exit code {code}" + (lastError is null ? "" : $": {lastError}");
                throw code == ExitCodes.Unavailable ? new UnavailableException(message) : new InputDataException(message);
            }
            if (!File.Exists(temporary))
            {
                throw new InputDataException($"{description}: the child 'lumi export' exited 0 but wrote no {temporary}");
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
        log.WriteLine($"Exported {description}: {path}");
        return path;
    }
}
