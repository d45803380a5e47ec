using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Lumi.Data.Paths;
using Lumi.Models.Checkpoints;

namespace Lumi.Models.Export;

/// <summary>
/// ONNX graphs exported for a checkpoint, kept under <c>$LUMI_HOME/cache/&lt;checkpoint id&gt;/&lt;hash&gt;.onnx</c>
/// (<c>shared/DESIGN.md</c> §6) so the checkpoint folder is never modified and each set of export options is exported once.
/// </summary>
public static class ExportCache
{
    /// <summary>The cached graph's path: the first 16 hex digits of the SHA-256 of the options' canonical text.</summary>
    public static string PathFor(string checkpointId, ExportOptions options, string? cacheRoot = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointId);
        ArgumentNullException.ThrowIfNull(options);
        string key = string.Join(";",
            "score_threshold=" + Format(options.ScoreThreshold),
            "nms_threshold=" + Format(options.NmsThreshold),
            "detections_per_image=" + (options.DetectionsPerImage?.ToString(CultureInfo.InvariantCulture) ?? "default"),
            "arch=" + (options.Arch ?? "default"));
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
        return Path.Combine(cacheRoot ?? LumiHome.Cache, checkpointId, hash + ".onnx");
    }

    /// <summary>
    /// The graph for <paramref name="reference"/> (id, alias or path) with <paramref name="options"/>: reused when the
    /// cache has it, else exported to a temporary name and renamed into place.
    /// </summary>
    /// <param name="exported">Whether this call exported it (false: reused).</param>
    /// <param name="log">Where the notices and progress of a checkpoint downloaded from the index go (default: stderr).</param>
    public static string GetOrExport(string reference, ExportOptions options, out bool exported, out string description, Action<string>? log = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        ArgumentNullException.ThrowIfNull(options);
        using var resolved = CheckpointLocator.Locate(reference, log);
        using var loaded = CheckpointReader.Read(resolved.Folder);
        description = $"checkpoint {loaded.Info.Id} ({resolved.Description})";
        var withArch = options with { Arch = options.Arch ?? loaded.Info.Arch };
        string path = PathFor(loaded.Info.Id, withArch);
        exported = false;
        if (File.Exists(path)) return path;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temp = $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}.onnx";
        try
        {
            using var model = FasterRcnn.FasterRcnn.FromCheckpoint(loaded);
            OnnxExporter.Export(model, loaded.Info.Classes, withArch, temp);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        exported = true;
        return path;
    }

    private static string Format(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "default";
}
