using Google.Protobuf;
using Lumi.Data.Errors;
using Onnx;

namespace Lumi.Inference.Tests;

/// <summary><see cref="Detector.Load"/> rejects files that are not Lumi exports, naming the file and what is missing.</summary>
public sealed class DetectorLoadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lumi-detector-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void NonLumiGraphIsRejectedNamingTheFileAndLumiClasses()
    {
        string path = Path.Combine(_dir, "add.onnx");
        File.WriteAllBytes(path, AddGraph());
        var e = Assert.Throws<InputDataException>(() => Detector.Load(path));
        Assert.Equal($"{path}: not a Lumi export: metadata property 'lumi.classes' is missing; export a checkpoint with 'lumi export'", e.Message);
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        string path = Path.Combine(_dir, "nope.onnx");
        var e = Assert.Throws<InputDataException>(() => Detector.Load(path));
        Assert.Equal($"{path}: no such model file; give the path of a graph written by 'lumi export'", e.Message);
    }

    [Fact]
    public void GarbageFileIsNamed()
    {
        string path = Path.Combine(_dir, "text.onnx");
        File.WriteAllText(path, "not a model");
        var e = Assert.Throws<InputDataException>(() => Detector.Load(path));
        Assert.StartsWith($"{path}: ONNX Runtime cannot load it as a model: ", e.Message);
    }

    [Fact]
    public void NegativeThreadCountIsRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Detector.Load("x.onnx", new DetectorOptions { IntraOpThreads = -1 }));
        Assert.StartsWith("intra-op threads must be 0 (one per core) or more, got -1", e.Message);
    }

    /// <summary>z = x + y over float [N], opset 17, no metadata.</summary>
    private static byte[] AddGraph()
    {
        var graph = new GraphProto { Name = "add" };
        graph.Input.Add(Vector("x"));
        graph.Input.Add(Vector("y"));
        graph.Output.Add(Vector("z"));
        graph.Node.Add(new NodeProto { Name = "add", OpType = "Add", Input = { "x", "y" }, Output = { "z" } });
        var model = new ModelProto { IrVersion = 8, ProducerName = "lumi-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model.ToByteArray();
    }

    private static ValueInfoProto Vector(string name) => new()
    {
        Name = name,
        Type = new TypeProto
        {
            TensorType = new TypeProto.Types.Tensor
            {
                ElemType = (int)TensorProto.Types.DataType.Float,
                Shape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimParam = "N" } } },
            },
        },
    };
}
