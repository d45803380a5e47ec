using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Lumi.Models.Export;

/// <summary>
/// A small typed builder over OnnxSharp's protobuf classes: nodes with generated unique names, initializers
/// from TorchSharp tensors or arrays, deduplicated constants, graph inputs and outputs, and one helper per
/// operator Lumi emits (opset 17 forms: axes of ReduceSum/Squeeze/Unsqueeze/Slice are inputs, ReduceMax's an attribute).
/// </summary>
internal sealed partial class OnnxGraph
{
    public const int Opset = 17;
    public const long IrVersion = 8;

    private readonly GraphProto graph = new() { Name = "lumi_faster_rcnn" };
    private readonly Dictionary<string, int> nameCounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OnnxValue> constants = new(StringComparer.Ordinal);
    private readonly Stack<string> scopes = new();

    public GraphProto Graph => graph;

    /// <summary>Prefixes the names of the nodes emitted until the returned handle is disposed (e.g. "rpn.head").</summary>
    public IDisposable Scope(string name)
    {
        scopes.Push(scopes.Count == 0 ? name : scopes.Peek() + "." + name);
        return new PopScope(scopes);
    }

    private sealed class PopScope(Stack<string> scopes) : IDisposable
    {
        public void Dispose() => scopes.Pop();
    }

    private string Unique(string stem)
    {
        string prefix = scopes.Count == 0 ? stem : scopes.Peek() + "/" + stem;
        int n = nameCounts.TryGetValue(prefix, out int c) ? c : 0;
        nameCounts[prefix] = n + 1;
        return n == 0 ? prefix : $"{prefix}_{n}";
    }

    // ------------------------------------------------------------------ inputs, outputs, initializers

    /// <summary>A graph input; a dimension is a <see cref="long"/> (fixed) or a <see cref="string"/> (named, dynamic).</summary>
    public OnnxValue Input(string name, DataType type, params object[] dims)
    {
        graph.Input.Add(ValueInfo(name, type, dims));
        return new OnnxValue(name);
    }

    /// <summary>An input that may be fed or left out: its default is an initializer of the same name.</summary>
    public OnnxValue InputWithDefault(string name, float value)
    {
        var v = Input(name, DataType.Float);
        graph.Initializer.Add(new TensorProto { Name = name, DataType = (int)DataType.Float, FloatData = { value } });
        return v;
    }

    /// <inheritdoc cref="InputWithDefault(string, float)"/>
    public OnnxValue InputWithDefault(string name, long value)
    {
        var v = Input(name, DataType.Int64);
        graph.Initializer.Add(new TensorProto { Name = name, DataType = (int)DataType.Int64, Int64Data = { value } });
        return v;
    }

    /// <summary>Names <paramref name="value"/> as a graph output (through an Identity node).</summary>
    public void Output(string name, OnnxValue value, DataType type, params object[] dims)
    {
        AddNode("Identity", new[] { value }, new[] { name }, Array.Empty<AttributeProto>(), name);
        graph.Output.Add(ValueInfo(name, type, dims));
    }

    private static ValueInfoProto ValueInfo(string name, DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d switch
            {
                long v => new TensorShapeProto.Types.Dimension { DimValue = v },
                int v => new TensorShapeProto.Types.Dimension { DimValue = v },
                string p => new TensorShapeProto.Types.Dimension { DimParam = p },
                _ => throw new ArgumentException($"dimension must be a long or a string, not {d.GetType().Name}"),
            });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    /// <summary>A float32 initializer holding <paramref name="tensor"/> (any floating dtype, any device).</summary>
    public OnnxValue Initializer(string name, Tensor tensor)
    {
        using var scope = NewDisposeScope();
        var t = tensor.detach().to(ScalarType.Float32).cpu().contiguous();
        float[] data = t.data<float>().ToArray();
        return AddInitializer(name, DataType.Float, t.shape, MemoryMarshal.AsBytes(data.AsSpan()));
    }

    private OnnxValue AddInitializer(string name, DataType type, long[] dims, ReadOnlySpan<byte> raw)
    {
        string unique = nameCounts.ContainsKey(name) ? Unique(name) : name;
        nameCounts.TryAdd(unique, 1);
        var proto = new TensorProto { Name = unique, DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        proto.Dims.AddRange(dims);
        graph.Initializer.Add(proto);
        return new OnnxValue(unique);
    }

    /// <summary>A float32 constant of the given shape (shared by every use of the same values).</summary>
    public OnnxValue Const(float[] values, params long[] dims) =>
        Constant("f", DataType.Float, dims, MemoryMarshal.AsBytes(values.AsSpan()), string.Join(",", values.Select(v => BitConverter.SingleToInt32Bits(v))));

    /// <summary>An int64 constant of the given shape.</summary>
    public OnnxValue Const(long[] values, params long[] dims) =>
        Constant("i", DataType.Int64, dims, MemoryMarshal.AsBytes(values.AsSpan()), string.Join(",", values));

    /// <summary>A float64 constant of the given shape.</summary>
    public OnnxValue Const(double[] values, params long[] dims) =>
        Constant("d", DataType.Double, dims, MemoryMarshal.AsBytes(values.AsSpan()), string.Join(",", values.Select(BitConverter.DoubleToInt64Bits)));

    /// <summary>A bool constant of the given shape.</summary>
    public OnnxValue Const(bool[] values, params long[] dims) =>
        Constant("b", DataType.Bool, dims, values.Select(v => (byte)(v ? 1 : 0)).ToArray(), string.Join("", values.Select(v => v ? '1' : '0')));

    /// <summary>A float32 scalar (0-d) constant.</summary>
    public OnnxValue Scalar(float value) => Const(new[] { value });

    /// <summary>An int64 scalar (0-d) constant.</summary>
    public OnnxValue Scalar(long value) => Const(new[] { value });

    /// <summary>A float64 scalar (0-d) constant.</summary>
    public OnnxValue Scalar(double value) => Const(new[] { value });

    /// <summary>A 1-d int64 constant, e.g. axes or a shape.</summary>
    public OnnxValue Ints(params long[] values) => Const(values, values.Length);

    private OnnxValue Constant(string kind, DataType type, long[] dims, ReadOnlySpan<byte> raw, string key)
    {
        string full = $"{kind}[{string.Join(",", dims)}]{key}";
        if (constants.TryGetValue(full, out var existing)) return existing;
        var v = AddInitializer("const", type, dims, raw);
        constants[full] = v;
        return v;
    }

    // ------------------------------------------------------------------ nodes

    /// <summary>Adds one node and returns its outputs.</summary>
    public OnnxValue[] Node(string opType, OnnxValue[] inputs, int outputs, params AttributeProto[] attributes)
    {
        string name = Unique(opType);
        var names = Enumerable.Range(0, outputs).Select(i => outputs == 1 ? name : $"{name}:{i}").ToArray();
        AddNode(opType, inputs, names, attributes, name);
        return names.Select(n => new OnnxValue(n)).ToArray();
    }

    /// <summary>Adds a one-output node and returns its output.</summary>
    public OnnxValue Op(string opType, params OnnxValue[] inputs) => Node(opType, inputs, 1)[0];

    /// <summary>Adds a one-output node with attributes and returns its output.</summary>
    public OnnxValue Op(string opType, OnnxValue[] inputs, params AttributeProto[] attributes) => Node(opType, inputs, 1, attributes)[0];

    private void AddNode(string opType, OnnxValue[] inputs, string[] outputs, AttributeProto[] attributes, string name)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs.Select(i => i.Name));
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
    }

    // ------------------------------------------------------------------ attributes

    public static AttributeProto Attr(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attr(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attr(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Attr(string name, long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Attr(string name, TensorProto value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };

    // ------------------------------------------------------------------ model

    /// <summary>The finished model: opset 17 (default domain), IR version 8, with the given metadata.</summary>
    public ModelProto ToModel(IEnumerable<KeyValuePair<string, string>> metadata, string producerVersion)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "lumi",
            ProducerVersion = producerVersion,
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
        foreach (var (k, v) in metadata)
            model.MetadataProps.Add(new StringStringEntryProto { Key = k, Value = v });
        return model;
    }
}
