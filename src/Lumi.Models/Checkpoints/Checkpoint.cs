using static TorchSharp.torch;

namespace Lumi.Models.Checkpoints;

/// <summary>A checkpoint read from its folder: what <c>checkpoint.json</c> says and the weights, on the CPU.</summary>
public sealed class Checkpoint : IDisposable
{
    internal Checkpoint(string folder, CheckpointInfo info, Dictionary<string, Tensor> stateDict)
    {
        Folder = folder;
        Info = info;
        StateDict = stateDict;
    }

    public string Folder { get; }

    public CheckpointInfo Info { get; }

    /// <summary>torchvision key names → tensors.</summary>
    public IReadOnlyDictionary<string, Tensor> StateDict { get; }

    public void Dispose()
    {
        foreach (var t in StateDict.Values) t.Dispose();
    }
}
