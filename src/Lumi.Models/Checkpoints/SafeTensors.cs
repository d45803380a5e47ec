using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Models.Checkpoints;

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
/// (<c>{name: {dtype, shape, data_offsets}, "__metadata__": {…}}</c>) and the raw tensor bytes.
/// Nothing in the file can run code.
/// </summary>
public static class SafeTensors
{
    private static readonly Dictionary<string, ScalarType> ByName = new()
    {
        ["F64"] = ScalarType.Float64, ["F32"] = ScalarType.Float32, ["F16"] = ScalarType.Float16,
        ["BF16"] = ScalarType.BFloat16, ["I64"] = ScalarType.Int64, ["I32"] = ScalarType.Int32,
        ["I16"] = ScalarType.Int16, ["I8"] = ScalarType.Int8, ["U8"] = ScalarType.Byte, ["BOOL"] = ScalarType.Bool,
    };

    /// <summary>The tensors of a file, on the CPU, with the header's metadata.</summary>
    public static Dictionary<string, Tensor> Read(string path, out Dictionary<string, string> metadata)
    {
        byte[] data = File.ReadAllBytes(path);
        if (data.Length < 8)
            throw new InvalidDataException($"{path}: not a safetensors file (shorter than its 8-byte header length).");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(data);
        if (headerLength > (ulong)(data.Length - 8))
            throw new InvalidDataException($"{path}: not a safetensors file (header length {headerLength} exceeds the file).");
        JsonObject header;
        try
        {
            header = JsonNode.Parse(data.AsSpan(8, (int)headerLength))?.AsObject()
                     ?? throw new InvalidDataException($"{path}: empty safetensors header.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: the safetensors header is not valid JSON ({e.Message}).");
        }

        metadata = new Dictionary<string, string>();
        var tensors = new Dictionary<string, Tensor>();
        long dataStart = 8 + (long)headerLength;
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                foreach (var (k, v) in node!.AsObject()) metadata[k] = v!.GetValue<string>();
                continue;
            }
            var info = node!.AsObject();
            string dtype = info["dtype"]!.GetValue<string>();
            if (!ByName.TryGetValue(dtype, out var scalarType))
                throw new InvalidDataException($"{path}: tensor '{name}' has dtype '{dtype}'; supported: {string.Join(", ", ByName.Keys)}.");
            long[] shape = info["shape"]!.AsArray().Select(x => x!.GetValue<long>()).ToArray();
            var offsets = info["data_offsets"]!.AsArray();
            long begin = offsets[0]!.GetValue<long>(), end = offsets[1]!.GetValue<long>();
            long count = shape.Aggregate(1L, (a, b) => a * b);
            if (begin < 0 || end < begin || dataStart + end > data.Length || end - begin != count * ElementSize(scalarType))
                throw new InvalidDataException($"{path}: tensor '{name}' has data_offsets [{begin}, {end}] that do not fit its shape [{string.Join(", ", shape)}] or the file.");
            byte[] bytes = data.AsSpan((int)(dataStart + begin), (int)(end - begin)).ToArray();
            var t = torch.empty(shape, scalarType);
            if (bytes.Length > 0) t.bytes = bytes;
            tensors[name] = t;
        }
        return tensors;
    }

    public static Dictionary<string, Tensor> Read(string path) => Read(path, out _);

    /// <summary>Writes tensors (sorted by name) through a temporary file and a rename.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata) meta[k] = v;
            header["__metadata__"] = meta;
        }
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var name in tensors.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            using var t = tensors[name].detach().cpu().contiguous();
            string dtype = ByName.First(p => p.Value == t.dtype).Key;
            byte[] bytes = t.numel() == 0 ? Array.Empty<byte>() : t.bytes.ToArray();
            header[name] = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(t.shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes.Length),
            };
            blobs.Add(bytes);
            offset += bytes.Length;
        }
        byte[] headerBytes = System.Text.Encoding.UTF8.GetBytes(header.ToJsonString());
        int pad = (8 - headerBytes.Length % 8) % 8;

        string temp = path + ".tmp-" + Environment.ProcessId;
        using (var f = File.Create(temp))
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)(headerBytes.Length + pad));
            f.Write(len);
            f.Write(headerBytes);
            for (int i = 0; i < pad; i++) f.WriteByte((byte)' ');
            foreach (var b in blobs) f.Write(b);
        }
        File.Move(temp, path, overwrite: true);
    }

    private static long ElementSize(ScalarType t) => t switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };
}
