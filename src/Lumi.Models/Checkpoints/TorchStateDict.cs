using static TorchSharp.torch;

namespace Lumi.Models.Checkpoints;

/// <summary>A state dict read from a PyTorch file: tensors by name in the file's order, all on the CPU.</summary>
public sealed class TorchStateDict : IDisposable
{
    internal TorchStateDict(string path, TorchFileFormat format, string? containerKey,
        OrderedDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, long> moduleVersions)
    {
        Path = path;
        Format = format;
        ContainerKey = containerKey;
        Tensors = tensors;
        ModuleVersions = moduleVersions;
    }

    public string Path { get; }

    public TorchFileFormat Format { get; }

    /// <summary>
    /// <c>"model"</c> or <c>"state_dict"</c> when the file is a training checkpoint holding the state dict under
    /// that key; null when the file is the state dict itself.
    /// </summary>
    public string? ContainerKey { get; }

    public OrderedDictionary<string, Tensor> Tensors { get; }

    /// <summary>
    /// The <c>version</c> of each module prefix from the state dict's <c>_metadata</c> (<c>""</c> is the root,
    /// <c>"backbone.fpn"</c> a submodule); empty when the file has none. torchvision's loader uses these to
    /// decide whether to upgrade old parameter names.
    /// </summary>
    public IReadOnlyDictionary<string, long> ModuleVersions { get; }

    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
        Tensors.Clear();
    }
}
