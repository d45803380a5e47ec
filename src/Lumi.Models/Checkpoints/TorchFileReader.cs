using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Models.Checkpoints;

/// <summary>
/// Reads a PyTorch state-dict file (<c>torch.save(model.state_dict(), f)</c>) as data, in both of PyTorch's
/// containers: the zip format (torch ≥ 1.6) and the legacy one that torchvision's published COCO weights use.
/// Nothing in the file can run code: the pickle is read by <see cref="RestrictedUnpickler"/>, which accepts
/// tensors, storages, dicts, ordered dicts, lists and plain values, and refuses every other global by name.
/// </summary>
public static class TorchFileReader
{
    /// <summary>The keys of a training checkpoint under which a state dict is looked for, in this order.</summary>
    public static readonly IReadOnlyList<string> ContainerKeys = new[] { "model", "state_dict" };

    private static readonly BigInteger LegacyMagic = BigInteger.Parse("1950a86a20f9469cfc6c", System.Globalization.NumberStyles.HexNumber);
    private const long LegacyProtocolVersion = 1001;

    /// <summary>Reads the state dict in <paramref name="path"/> onto the CPU.</summary>
    /// <exception cref="InvalidDataException">The file is not a PyTorch state dict, is truncated, or holds code.</exception>
    public static TorchStateDict Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"No such file: {path}", path);

        Span<byte> head = stackalloc byte[4];
        int headLength;
        using (var f = File.OpenRead(path)) headLength = f.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        if (headLength == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4)
            return ReadZip(path);
        return ReadLegacy(path);
    }

    private static TorchStateDict ReadZip(string path)
    {
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path} is not a readable PyTorch zip file ({e.Message}); the file may be truncated.", e);
        }
        using (zip)
        {
            var pickles = zip.Entries.Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)
                                                 && e.FullName.IndexOf('/') == e.FullName.Length - "/data.pkl".Length).ToList();
            if (pickles.Count != 1)
                throw new InvalidDataException($"{path} is a zip file but not a PyTorch one: expected one '<folder>/data.pkl', found {pickles.Count}.");
            string root = pickles[0].FullName[..^"data.pkl".Length];
            bool bigEndian = false;
            if (zip.GetEntry(root + "byteorder") is { } order)
            {
                string text = ReadText(order, path).Trim();
                if (text is not ("little" or "big"))
                    throw new InvalidDataException($"{path}: byteorder is '{text}'; expected 'little' or 'big'.");
                bigEndian = text == "big";
            }
            byte[] pickle = ReadEntry(pickles[0], path);
            int position = 0;
            object? top = RestrictedUnpickler.Load(pickle, ref position, path);

            byte[] StorageBytes(StorageRef s)
            {
                var entry = zip.GetEntry(root + "data/" + s.Key)
                            ?? throw new InvalidDataException($"{path}: storage '{s.Key}' is missing (no '{root}data/{s.Key}' entry).");
                long expected = checked(s.RootNumel * TorchStorageTypes.Get(s.TypeName).Size);
                if (entry.Length != expected)
                    throw new InvalidDataException($"{path}: storage '{s.Key}' has {entry.Length} bytes; its {s.RootNumel} × {s.TypeName} elements need {expected}.");
                byte[] bytes = ReadEntry(entry, path);
                if (bigEndian) SwapBytes(bytes, s.Dtype is ScalarType.ComplexFloat32 or ScalarType.ComplexFloat64
                    ? TorchStorageTypes.Get(s.TypeName).Size / 2 : TorchStorageTypes.Get(s.TypeName).Size);
                return bytes;
            }

            return Build(path, TorchFileFormat.Zip, top, StorageBytes);
        }
    }

    private static TorchStateDict ReadLegacy(string path)
    {
        byte[] data = File.ReadAllBytes(path);
        if (data.Length < 2 || data[0] != 0x80)
            throw new InvalidDataException($"{path} is not a PyTorch file: neither a zip archive nor a legacy pickle stream.");
        if (data.Length > 262 && System.Text.Encoding.ASCII.GetString(data, 257, 5) == "ustar")
            throw new InvalidDataException($"{path} uses PyTorch's tar format (torch < 0.4), which is not supported; re-save it with a newer torch.");
        int position = 0;
        object? magic = RestrictedUnpickler.Load(data, ref position, path);
        if (magic is not BigInteger m || m != LegacyMagic)
            throw new InvalidDataException($"{path} is not a PyTorch file: it starts with a pickle but not with PyTorch's magic number.");
        object? protocol = RestrictedUnpickler.Load(data, ref position, path);
        if (protocol is not long p || p != LegacyProtocolVersion)
            throw new InvalidDataException($"{path}: legacy protocol version {protocol} is not supported (expected {LegacyProtocolVersion}).");
        RestrictedUnpickler.Load(data, ref position, path); // sys_info: storages are little-endian whatever it says.
        object? top = RestrictedUnpickler.Load(data, ref position, path);
        object? keyList = RestrictedUnpickler.Load(data, ref position, path);
        if (keyList is not List<object?> keys || keys.Any(k => k is not string))
            throw new InvalidDataException($"{path}: the storage key list is a {RestrictedUnpickler.Describe(keyList)}, not a list of strings.");

        // Each storage's raw bytes follow in the order of the key list, each prefixed by its element count.
        var storages = CollectStorages(top).GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.First());
        var offsets = new Dictionary<string, (int Start, int Length)>();
        foreach (string key in keys.Cast<string>())
        {
            if (!storages.TryGetValue(key, out var s))
                throw new InvalidDataException($"{path}: storage '{key}' is listed but no tensor uses it, so its element size is unknown.");
            if (data.Length - position < 8)
                throw new InvalidDataException($"{path} is truncated: it ends before storage '{key}' (byte {data.Length}).");
            long numel = BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(position, 8));
            position += 8;
            if (numel != s.RootNumel)
                throw new InvalidDataException($"{path}: storage '{key}' holds {numel} elements but its tensors expect {s.RootNumel}.");
            long length = checked(numel * TorchStorageTypes.Get(s.TypeName).Size);
            if (length > data.Length - position)
                throw new InvalidDataException($"{path} is truncated: storage '{key}' needs {length} bytes at byte {position}, the file has {data.Length - position} left.");
            offsets[key] = (position, (int)length);
            position += (int)length;
        }

        byte[] StorageBytes(StorageRef s) =>
            offsets.TryGetValue(s.Key, out var o)
                ? data.AsSpan(o.Start, o.Length).ToArray()
                : throw new InvalidDataException($"{path}: storage '{s.Key}' is used by a tensor but absent from the file's storage list.");

        return Build(path, TorchFileFormat.Legacy, top, StorageBytes);
    }

    private static TorchStateDict Build(string path, TorchFileFormat format, object? top, Func<StorageRef, byte[]> storageBytes)
    {
        var (dict, containerKey) = FindStateDict(path, top);
        var roots = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var tensors = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var (k, v) in dict.Items)
            {
                string name = (string)k!;
                var t = (TensorRef)v!;
                if (!roots.TryGetValue(t.Storage.Key, out var root))
                {
                    byte[] bytes = storageBytes(t.Storage);
                    root = torch.empty(t.Storage.RootNumel, t.Storage.Dtype);
                    if (bytes.Length > 0) root.bytes = bytes;
                    roots[t.Storage.Key] = root;
                }
                tensors[name] = Materialize(path, name, t, root);
            }
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        finally
        {
            foreach (var r in roots.Values) r.Dispose();
        }
        return new TorchStateDict(path, format, containerKey, tensors, ModuleVersions(dict));
    }

    /// <summary>Copies the (possibly strided, possibly shared) view a tensor makes of its storage into a tensor of its own.</summary>
    private static Tensor Materialize(string path, string name, TensorRef t, Tensor root)
    {
        if (t.Size.Length != t.Stride.Length || t.Size.Any(s => s < 0) || t.Stride.Any(s => s < 0) || t.StorageOffset < 0)
            throw new InvalidDataException($"{path}: tensor '{name}' has an invalid size [{string.Join(", ", t.Size)}] / stride [{string.Join(", ", t.Stride)}] / offset {t.StorageOffset}.");
        long start = t.Storage.ElementOffset + t.StorageOffset;
        var result = torch.empty(t.Size, t.Storage.Dtype);
        if (t.Size.All(s => s > 0))
        {
            long last = start;
            for (int i = 0; i < t.Size.Length; i++) last = checked(last + (t.Size[i] - 1) * t.Stride[i]);
            long end = t.Storage.ElementOffset + t.Storage.Numel;
            if (last >= end || end > t.Storage.RootNumel)
            {
                result.Dispose();
                throw new InvalidDataException(
                    $"{path}: tensor '{name}' (size [{string.Join(", ", t.Size)}], stride [{string.Join(", ", t.Stride)}], offset {t.StorageOffset}) " +
                    $"reaches element {last} of storage '{t.Storage.Key}', whose visible elements end before {end}.");
            }
            using var view = root.as_strided(t.Size, t.Stride, start);
            result.copy_(view);
        }
        if (t.RequiresGrad && result.is_floating_point()) result.requires_grad_(true);
        return result;
    }

    private static (PickleDict Dict, string? ContainerKey) FindStateDict(string path, object? top)
    {
        if (top is not PickleDict dict)
            throw new InvalidDataException($"{path} holds a {RestrictedUnpickler.Describe(top)}, not a state dict (a dict of name → tensor).");
        if (IsStateDict(dict)) return (dict, null);
        foreach (string key in ContainerKeys)
        {
            if (dict.Get(key) is PickleDict inner)
            {
                CheckStateDict(path, inner, $"['{key}']");
                return (inner, key);
            }
        }
        CheckStateDict(path, dict, "");
        return (dict, null);
    }

    private static bool IsStateDict(PickleDict d) => d.Items.All(p => p.Key is string && p.Value is TensorRef);

    private static void CheckStateDict(string path, PickleDict d, string where)
    {
        foreach (var (k, v) in d.Items)
        {
            if (k is not string name)
                throw new InvalidDataException($"{path}{where} has a key of type {RestrictedUnpickler.Describe(k)}; state-dict keys are strings.");
            if (v is not TensorRef)
                throw new InvalidDataException(
                    $"{path}{where}: '{name}' is a {RestrictedUnpickler.Describe(v)}, not a tensor. Expected a state dict, " +
                    $"or a checkpoint holding one under {string.Join(" or ", ContainerKeys.Select(c => $"'{c}'"))}.");
        }
    }

    private static Dictionary<string, long> ModuleVersions(PickleDict dict)
    {
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        if (dict.Attributes.TryGetValue("_metadata", out var meta) && meta is PickleDict m)
        {
            foreach (var (k, v) in m.Items)
                if (k is string prefix && v is PickleDict entry && entry.Get("version") is long version)
                    versions[prefix] = version;
        }
        return versions;
    }

    private static IEnumerable<StorageRef> CollectStorages(object? o)
    {
        var stack = new Stack<object?>();
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        stack.Push(o);
        while (stack.Count > 0)
        {
            object? x = stack.Pop();
            if (x is null || !seen.Add(x)) continue;
            switch (x)
            {
                case StorageRef s: yield return s; break;
                case TensorRef t: stack.Push(t.Storage); break;
                case PickleTuple t: foreach (var i in t.Items) stack.Push(i); break;
                case List<object?> l: foreach (var i in l) stack.Push(i); break;
                case PickleDict d:
                    foreach (var (k, v) in d.Items) { stack.Push(k); stack.Push(v); }
                    foreach (var v in d.Attributes.Values) stack.Push(v);
                    break;
            }
        }
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry, string path)
    {
        try
        {
            using var s = entry.Open();
            var bytes = new byte[entry.Length];
            s.ReadExactly(bytes);
            return bytes;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            throw new InvalidDataException($"{path}: cannot read '{entry.FullName}' ({e.Message}); the file may be truncated or corrupt.", e);
        }
    }

    private static string ReadText(ZipArchiveEntry entry, string path) => System.Text.Encoding.ASCII.GetString(ReadEntry(entry, path));

    private static void SwapBytes(byte[] bytes, int size)
    {
        if (size == 1) return;
        for (int i = 0; i + size <= bytes.Length; i += size) Array.Reverse(bytes, i, size);
    }
}
