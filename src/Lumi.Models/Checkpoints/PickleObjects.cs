using TorchSharp;

namespace Lumi.Models.Checkpoints;

// The few kinds of object the restricted unpickler builds. Python ints become long (or BigInteger),
// floats double, str string, bytes byte[], list List<object?>, None null.

/// <summary>A tuple.</summary>
internal sealed record PickleTuple(object?[] Items);

/// <summary>A dict or collections.OrderedDict, in insertion order, with attributes set by BUILD (<c>_metadata</c>).</summary>
internal sealed class PickleDict
{
    public PickleDict(bool ordered) => Ordered = ordered;

    public bool Ordered { get; }
    public List<KeyValuePair<object?, object?>> Items { get; } = new();
    public Dictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);

    // Index of string and integer keys (the only ones state dicts use), so a large dict loads in linear time.
    private readonly Dictionary<object, int> _index = new();

    public void Set(object? key, object? value)
    {
        if (key is string or long)
        {
            if (_index.TryGetValue(key, out int at)) Items[at] = new(key, value);
            else
            {
                _index[key] = Items.Count;
                Items.Add(new(key, value));
            }
            return;
        }
        Items.Add(new(key, value)); // other keys (tuples, floats) are kept as written; they never name tensors
    }

    public object? Get(string key) => _index.TryGetValue(key, out int at) ? Items[at].Value : null;
}

/// <summary>One of the allow-listed globals (a callable or a storage type).</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public string FullName => Module + "." + Name;
}

/// <summary>A storage named by a persistent id: its bytes come from the file, not from the pickle.</summary>
/// <param name="Key">The root storage's key (zip: archive/data/KEY; legacy: the order of the raw storages).</param>
/// <param name="ElementOffset">Where a legacy storage view starts inside its root, in elements.</param>
/// <param name="Numel">The elements visible through this storage.</param>
internal sealed record StorageRef(string Key, torch.ScalarType Dtype, string TypeName, long RootNumel, long ElementOffset, long Numel);

/// <summary>A tensor described by <c>torch._utils._rebuild_tensor_v2</c>; made once the storages are read.</summary>
internal sealed record TensorRef(StorageRef Storage, long StorageOffset, long[] Size, long[] Stride, bool RequiresGrad);
