using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Lumi.Data.Tests.Reference;

/// <summary>One tensor of a safetensors file: its dtype name (F32, U8, …), shape and raw little-endian bytes.</summary>
public sealed record SafeTensor(string DType, long[] Shape, byte[] Bytes)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    public float[] ToFloat32()
    {
        if (DType != "F32")
        {
            throw new InvalidOperationException($"tensor is {DType}, not F32");
        }
        var values = new float[ElementCount];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(Bytes.AsSpan(4 * i, 4));
        }
        return values;
    }

    public byte[] ToUInt8() =>
        DType == "U8" ? Bytes : throw new InvalidOperationException($"tensor is {DType}, not U8");
}

/// <summary>
/// A minimal safetensors reader (the test project cannot use TorchSharp): an 8-byte little-endian header
/// length, a JSON header <c>{name: {dtype, shape, data_offsets}, "__metadata__": {…}}</c>, then the data.
/// </summary>
public sealed class SafeTensors
{
    private SafeTensors(Dictionary<string, SafeTensor> tensors, Dictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
    }

    public IReadOnlyDictionary<string, SafeTensor> Tensors { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public SafeTensor this[string name] =>
        Tensors.TryGetValue(name, out SafeTensor? t) ? t : throw new KeyNotFoundException($"no tensor '{name}' in the file");

    public static SafeTensors Read(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(file);
        if (headerLength <= 0 || 8 + headerLength > file.Length)
        {
            throw new InvalidDataException($"{path}: bad safetensors header length {headerLength}");
        }
        int dataStart = 8 + (int)headerLength;
        using JsonDocument header = JsonDocument.Parse(Encoding.UTF8.GetString(file, 8, (int)headerLength));
        var tensors = new Dictionary<string, SafeTensor>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__")
            {
                foreach (JsonProperty m in entry.Value.EnumerateObject())
                {
                    metadata[m.Name] = m.Value.GetString() ?? "";
                }
                continue;
            }
            string dtype = entry.Value.GetProperty("dtype").GetString()!;
            long[] shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            JsonElement offsets = entry.Value.GetProperty("data_offsets");
            int begin = offsets[0].GetInt32();
            int end = offsets[1].GetInt32();
            tensors[entry.Name] = new SafeTensor(dtype, shape, file.AsSpan(dataStart + begin, end - begin).ToArray());
        }
        return new SafeTensors(tensors, metadata);
    }
}
