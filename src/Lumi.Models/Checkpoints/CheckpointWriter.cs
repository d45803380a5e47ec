using System.Security.Cryptography;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Models.Checkpoints;

/// <summary>
/// Writes a checkpoint folder (DESIGN §6): <c>weights.safetensors</c> (torchvision key names, floating-point tensors
/// as float32) and <c>checkpoint.json</c> with the SHA-256 of every other file. Everything is written into a
/// temporary sibling folder that is renamed at the end, so a crash never leaves a half checkpoint under the real name.
/// </summary>
public static class CheckpointWriter
{
    /// <summary>Writes <paramref name="stateDict"/> and <paramref name="info"/> to the new folder <paramref name="folder"/>.</summary>
    /// <returns><paramref name="info"/> with <see cref="CheckpointInfo.Files"/> filled in, as written.</returns>
    /// <exception cref="IOException"><paramref name="folder"/> already exists (checkpoints are never overwritten).</exception>
    public static CheckpointInfo Write(string folder, CheckpointInfo info, IReadOnlyDictionary<string, Tensor> stateDict)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(stateDict);
        CheckpointReader.Validate(info, $"the checkpoint to write to {folder}");
        string target = Path.GetFullPath(folder);
        if (Directory.Exists(target) || File.Exists(target))
            throw new IOException($"{folder} already exists; a checkpoint is written to a new folder and never overwritten.");
        string parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        string temp = Path.Combine(parent, $".{Path.GetFileName(target)}.tmp-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        Directory.CreateDirectory(temp);
        try
        {
            string weights = Path.Combine(temp, CheckpointJson.WeightsFileName);
            WriteWeights(weights, stateDict, info.Id);
            var written = info with
            {
                Files = new Dictionary<string, CheckpointFile> { [CheckpointJson.WeightsFileName] = Describe(weights) },
            };
            File.WriteAllBytes(Path.Combine(temp, CheckpointJson.FileName), JsonSerializer.SerializeToUtf8Bytes(written, CheckpointJson.Options));
            Directory.Move(temp, target);
            return written;
        }
        catch
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            throw;
        }
    }

    internal static CheckpointFile Describe(string path)
    {
        using var f = File.OpenRead(path);
        return new CheckpointFile(Convert.ToHexStringLower(SHA256.HashData(f)), f.Length);
    }

    private static void WriteWeights(string path, IReadOnlyDictionary<string, Tensor> stateDict, string id)
    {
        var converted = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var (name, t) in stateDict)
                converted[name] = t.is_floating_point() ? t.detach().to(ScalarType.Float32, torch.CPU) : t.detach().cpu();
            SafeTensors.Write(path, converted, new Dictionary<string, string> { ["format"] = "pt", ["lumi.checkpoint_id"] = id });
        }
        finally
        {
            foreach (var t in converted.Values) t.Dispose();
        }
    }
}
