using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Models.Checkpoints;

/// <summary>
/// Loads a name → tensor dictionary into any TorchSharp module by parameter and buffer name, as PyTorch's
/// <c>load_state_dict</c> does, with its checks: shapes must match (always an error, naming the key and both
/// shapes), missing and unexpected keys are reported by name (an error in strict mode). Values are copied under
/// <c>no_grad</c> into the module's own tensors, so each parameter keeps its device, dtype and
/// <c>requires_grad</c>. Nothing is copied unless the whole dictionary fits.
/// </summary>
public static class StateDictLoader
{
    public const string NumBatchesTracked = "num_batches_tracked";

    /// <summary>Copies <paramref name="stateDict"/> into <paramref name="module"/>.</summary>
    /// <param name="renameKey">Maps a file key to a module key (e.g. <see cref="TorchvisionKeys.Upgrade(string)"/>);
    /// null drops the key.</param>
    /// <exception cref="StateDictLoadException">A shape differs; or, when <paramref name="strict"/>, a key is missing or unexpected.</exception>
    public static StateDictLoadResult Load(nn.Module module, IReadOnlyDictionary<string, Tensor> stateDict,
        bool strict = true, Func<string, string?>? renameKey = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(stateDict);
        var target = module.state_dict();

        var unexpected = new List<string>();
        var dropped = new List<string>();
        var mismatches = new List<ShapeMismatch>();
        var sources = new Dictionary<string, (string FileKey, Tensor Value)>(StringComparer.Ordinal);
        foreach (var (fileKey, value) in stateDict)
        {
            string? key = renameKey is null ? fileKey : renameKey(fileKey);
            string shown = key is null || key == fileKey ? fileKey : $"{fileKey} (as {key})";
            if (key is null)
            {
                dropped.Add(fileKey);
                continue;
            }
            if (sources.TryGetValue(key, out var other))
                throw new ArgumentException($"The keys '{other.FileKey}' and '{fileKey}' both map to '{key}'.", nameof(renameKey));
            if (!target.TryGetValue(key, out var destination))
            {
                if (LastSegment(key) == NumBatchesTracked) dropped.Add(shown);
                else unexpected.Add(shown);
                continue;
            }
            if (!destination.shape.SequenceEqual(value.shape))
            {
                mismatches.Add(new ShapeMismatch(key, value.shape, destination.shape));
                continue;
            }
            sources[key] = (fileKey, value);
        }
        var missing = target.Keys.Where(k => !sources.ContainsKey(k) && !mismatches.Any(m => m.Key == k)).ToList();
        var loaded = target.Keys.Where(sources.ContainsKey).ToList();
        var result = new StateDictLoadResult(loaded, missing, unexpected, dropped, mismatches);

        string name = module.GetType().Name;
        if (mismatches.Count > 0)
            throw new StateDictLoadException($"Cannot load the state dict into {name}: {string.Join("; ", mismatches)}.", result);
        if (strict && (missing.Count > 0 || unexpected.Count > 0))
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add("missing keys: " + string.Join(", ", missing.Select(k => $"'{k}'")));
            if (unexpected.Count > 0) parts.Add("unexpected keys: " + string.Join(", ", unexpected.Select(k => $"'{k}'")));
            throw new StateDictLoadException($"Cannot load the state dict into {name}: {string.Join("; ", parts)}.", result);
        }

        using (torch.no_grad())
        {
            foreach (string key in loaded)
            {
                var destination = target[key];
                bool requiresGrad = destination.requires_grad;
                destination.copy_(sources[key].Value);
                if (destination.requires_grad != requiresGrad) destination.requires_grad_(requiresGrad);
            }
        }
        return result;
    }

    private static string LastSegment(string key) => key[(key.LastIndexOf('.') + 1)..];
}
