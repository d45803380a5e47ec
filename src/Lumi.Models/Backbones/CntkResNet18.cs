using System.Runtime.InteropServices;
using Google.Protobuf;
using Lumi.Data.Errors;
using Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumi.Models.Backbones;

/// <summary>
/// The <c>resnet18_cntk</c> backbone's ImageNet weights: <c>ResNet18.onnx</c> of NuGet package
/// <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> (MIT, a CNTK 2.6 export of a ResNet-18 ImageNet classifier), read
/// into <see cref="ResNetBody"/>'s state dict.
/// <para>
/// The file: 22 bias-free Conv nodes, each followed by a BatchNormalization node that is not folded (scale, B, mean,
/// var; epsilon 1e-5), stages of 2, 2, 2, 3 basic blocks, 1×1 strided shortcuts, pads <c>[3, 3, 2, 2]</c> on the
/// stem, <c>[1, 1, 0, 0]</c> on the max pool and the strided 3×3 convolutions, then a 7×7 average pool as the
/// featurizer's output (no classifier). Initializers are CNTK's numbered <c>ParameterN</c>/<c>ConstantN</c>, so the
/// mapping follows the graph: each Conv's weight, then the BatchNormalization reading that Conv's output; the k×k
/// convolutions in graph order are <c>conv1</c>, <c>layer1.0.conv1</c>, <c>layer1.0.conv2</c>, … and the 1×1 ones
/// <c>layer2.0.downsample.0</c>, <c>layer3.0…</c>, <c>layer4.0…</c>; every shape, stride and pad is checked.
/// </para>
/// <para>
/// Input: ML.NET's <c>ResNetPreprocess.onnx</c> turns RGB pixels in 0…255 into BGR and subtracts a 224×224 mean image.
/// Lumi reads RGB and detects at any size, so the stem's weights are reordered to take RGB and the mean image becomes
/// its per-channel average (<see cref="ImageMean"/>, <see cref="ImageStd"/> = 1/255: the transform then feeds
/// 0…255 pixels minus that mean, exactly what the network computes on for a flat mean image).
/// </para>
/// </summary>
public static class CntkResNet18
{
    /// <summary>The backbone's name (<c>model.backbone.name</c>).</summary>
    public const string Name = "resnet18_cntk";

    /// <summary>The ONNX file's name next to the assemblies (copied there from the NuGet package at build).</summary>
    public const string BundledFile = "weights/resnet18_cntk.onnx";

    /// <summary>The batch-norm epsilon of every BatchNormalization node.</summary>
    public const double BatchNormEps = 1e-5;

    /// <summary>
    /// <c>model.transform.image_mean</c> for these weights, RGB on [0, 1]: the per-channel average of
    /// <c>ResNetPreprocess.onnx</c>'s mean image (B 103.0626, G 115.9029, R 123.1516 on 0…255) divided by 255.
    /// </summary>
    public static IReadOnlyList<double> ImageMean { get; } = new[] { 123.15163078 / 255, 115.90288236 / 255, 103.06262402 / 255 };

    /// <summary><c>model.transform.image_std</c> for these weights: 1/255, i.e. the network sees 0…255 pixels.</summary>
    public static IReadOnlyList<double> ImageStd { get; } = new[] { 1.0 / 255, 1.0 / 255, 1.0 / 255 };

    /// <summary>
    /// Whether the network runs on an input side <paramref name="n"/>: the stem and max pool halve it (rounding down,
    /// their padding is asymmetric), and layer2…layer4 need even sides, since their strided 3×3 convolutions give
    /// ⌊m/2⌋ and their 1×1 shortcuts ⌈m/2⌉. So ⌊n/4⌋ must be a multiple of 8 (32k ≤ n ≤ 32k + 3).
    /// </summary>
    public static bool FitsSide(long n) => n >= 32 && n / 4 % 8 == 0;

    /// <summary>
    /// The bundled ONNX file: <see cref="BundledFile"/> next to this assembly (the build copies it there from the NuGet
    /// package, and on to every project that references Lumi.Models: the CLI, the tests).
    /// </summary>
    /// <exception cref="UnavailableException">The file is not there.</exception>
    public static string BundledPath()
    {
        string location = typeof(CntkResNet18).Assembly.Location;
        string folder = string.IsNullOrEmpty(location) ? AppContext.BaseDirectory : Path.GetDirectoryName(location)!;
        string path = Path.Combine(folder, BundledFile);
        if (!File.Exists(path))
        {
            throw new UnavailableException(
                $"{Name}'s ImageNet weights are missing: {path} (the build copies them there from NuGet package " +
                "Microsoft.ML.DnnImageFeaturizer.ResNet18; rebuild Lumi, or set model.backbone.pretrained to that package's ResNet18.onnx)");
        }
        return path;
    }

    /// <summary>
    /// The body's state dict (keys as <see cref="ResNetBody"/>'s: <c>conv1.weight</c>, <c>bn1.running_var</c>, …) read
    /// from <paramref name="onnxPath"/>, checked against <paramref name="body"/> (a <c>resnet18_cntk</c> body).
    /// </summary>
    /// <exception cref="InputDataException">The file cannot be read or is not this network.</exception>
    public static Dictionary<string, Tensor> ReadStateDict(string onnxPath, ResNetBody body)
    {
        if (!File.Exists(onnxPath)) throw new InputDataException($"{onnxPath}: file not found");
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(onnxPath);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or IOException or UnauthorizedAccessException)
        {
            throw new InputDataException($"{onnxPath}: not a readable ONNX model: {e.Message}", e);
        }
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            Map(model.Graph, body, state);
            return state;
        }
        catch (InvalidDataException e)
        {
            foreach (var t in state.Values) t.Dispose();
            throw new InputDataException($"{onnxPath}: not the CNTK ResNet-18 of Microsoft.ML.DnnImageFeaturizer.ResNet18: {e.Message}", e);
        }
    }

    private static void Map(GraphProto graph, ResNetBody body, Dictionary<string, Tensor> state)
    {
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var consumers = graph.Node.SelectMany(n => n.Input.Select(i => (Input: i, Node: n)))
            .ToLookup(p => p.Input, p => p.Node, StringComparer.Ordinal);

        var convs = graph.Node.Where(n => n.OpType == "Conv").ToList();
        var square = convs.Where(n => Ints(n, "kernel_shape").Any(k => k > 1)).ToList();
        var pointwise = convs.Where(n => Ints(n, "kernel_shape").All(k => k == 1)).ToList();
        var (expectedSquare, expectedPointwise) = body.NamedConvolutions();
        if (square.Count != expectedSquare.Count || pointwise.Count != expectedPointwise.Count)
        {
            throw new InvalidDataException(
                $"{square.Count} k×k and {pointwise.Count} 1×1 Conv nodes, expected {expectedSquare.Count} and {expectedPointwise.Count}");
        }
        var pools = graph.Node.Where(n => n.OpType == "MaxPool").ToList();
        if (pools.Count != 1 || !Ints(pools[0], "pads").SequenceEqual(new long[] { 1, 1, 1 - body.TrimEnd, 1 - body.TrimEnd }))
            throw new InvalidDataException($"expected one MaxPool with pads [1, 1, {1 - body.TrimEnd}, {1 - body.TrimEnd}]");

        foreach (var (node, (name, conv, trimEnd)) in square.Zip(expectedSquare).Concat(pointwise.Zip(expectedPointwise)))
        {
            long k = conv.kernel_size[0], s = conv.stride[0], p = conv.padding![0];
            var pads = Ints(node, "pads");
            var expectedPads = new[] { p, p, p - trimEnd, p - trimEnd };
            if (!Ints(node, "strides").SequenceEqual(new[] { s, s }) || !pads.SequenceEqual(expectedPads) || node.Input.Count != 2)
            {
                throw new InvalidDataException(
                    $"Conv {node.Name} (as {name}): strides [{string.Join(", ", Ints(node, "strides"))}], pads [{string.Join(", ", pads)}], " +
                    $"{node.Input.Count} inputs; expected strides [{s}, {s}], pads [{string.Join(", ", expectedPads)}], no bias");
            }
            state[name + ".weight"] = Read(initializers, node.Input[1], conv.weight.shape, $"Conv {node.Name} (as {name}) weight");

            var norms = consumers[node.Output[0]].ToList();
            if (norms.Count != 1 || norms[0].OpType != "BatchNormalization" || norms[0].Input.Count != 5)
                throw new InvalidDataException($"Conv {node.Name} (as {name}) is not followed by exactly one BatchNormalization");
            var bn = norms[0];
            float eps = bn.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
            if (Math.Abs(eps - BatchNormEps) > 1e-6 * BatchNormEps)
                throw new InvalidDataException($"BatchNormalization {bn.Name}: epsilon {eps}, expected {BatchNormEps}");
            string norm = NormName(name);
            var channels = new[] { conv.weight.shape[0] };
            state[norm + ".weight"] = Read(initializers, bn.Input[1], channels, $"BatchNormalization {bn.Name} scale");
            state[norm + ".bias"] = Read(initializers, bn.Input[2], channels, $"BatchNormalization {bn.Name} B");
            state[norm + ".running_mean"] = Read(initializers, bn.Input[3], channels, $"BatchNormalization {bn.Name} mean");
            state[norm + ".running_var"] = Read(initializers, bn.Input[4], channels, $"BatchNormalization {bn.Name} var");
        }
        // CNTK's stem reads BGR; Lumi feeds RGB: reverse the input channels of its weights.
        var stem = state["conv1.weight"];
        state["conv1.weight"] = stem.flip(1).contiguous();
        stem.Dispose();
    }

    /// <summary><c>conv1</c> → <c>bn1</c>, <c>layer1.0.conv2</c> → <c>layer1.0.bn2</c>, <c>….downsample.0</c> → <c>….downsample.1</c>.</summary>
    private static string NormName(string conv)
    {
        if (conv.EndsWith(".downsample.0", StringComparison.Ordinal)) return conv[..^1] + "1";
        int dot = conv.LastIndexOf('.');
        string last = conv[(dot + 1)..];
        return conv[..(dot + 1)] + "bn" + last["conv".Length..];
    }

    private static long[] Ints(NodeProto node, string attribute) =>
        node.Attribute.FirstOrDefault(a => a.Name == attribute)?.Ints.ToArray() ?? Array.Empty<long>();

    private static Tensor Read(Dictionary<string, TensorProto> initializers, string name, long[] shape, string what)
    {
        if (!initializers.TryGetValue(name, out var t))
            throw new InvalidDataException($"{what}: {name} is not an initializer");
        if (t.DataType != (int)TensorProto.Types.DataType.Float)
            throw new InvalidDataException($"{what}: {name} has ONNX data type {t.DataType}, expected float32");
        if (!t.Dims.SequenceEqual(shape))
            throw new InvalidDataException($"{what}: {name} has shape [{string.Join(", ", t.Dims)}], expected [{string.Join(", ", shape)}]");
        long count = shape.Aggregate(1L, (a, b) => a * b);
        float[] values = t.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray() : t.FloatData.ToArray();
        if (values.Length != count)
            throw new InvalidDataException($"{what}: {name} holds {values.Length} values, expected {count}");
        return tensor(values, shape);
    }
}
