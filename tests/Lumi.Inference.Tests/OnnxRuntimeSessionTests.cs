using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace Lumi.Inference.Tests;

/// <summary>ONNX Runtime's CPU provider loads and runs a model built here (Relu(x + y)).</summary>
public sealed class OnnxRuntimeSessionTests
{
    [Fact]
    public void CpuSessionRunsAddThenRelu()
    {
        using var options = new SessionOptions();
        using var session = new InferenceSession(AddRelu(), options);
        Assert.Equal(new[] { "x", "y" }, session.InputMetadata.Keys);
        Assert.Equal(new[] { "z" }, session.OutputMetadata.Keys);

        var x = new DenseTensor<float>(new float[] { 1f, -2f, 3f, -4f, 0.5f, 6f }, new[] { 2, 3 });
        var y = new DenseTensor<float>(new float[] { 0.5f, 1f, -5f, 2f, -0.25f, 0f }, new[] { 2, 3 });
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(new[]
        {
            NamedOnnxValue.CreateFromTensor("x", x),
            NamedOnnxValue.CreateFromTensor("y", y),
        });
        Tensor<float> z = results.Single().AsTensor<float>();
        Assert.Equal(new[] { 2, 3 }, z.Dimensions.ToArray());
        Assert.Equal(new float[] { 1.5f, 0f, 0f, 0f, 0.25f, 6f }, z.ToArray());
    }

    /// <summary>z = Relu(x + y) for float tensors of shape [N, 3], opset 17.</summary>
    private static byte[] AddRelu()
    {
        var graph = new GraphProto { Name = "add_relu" };
        graph.Input.Add(FloatTensor("x"));
        graph.Input.Add(FloatTensor("y"));
        graph.Output.Add(FloatTensor("z"));
        graph.Node.Add(new NodeProto { Name = "add", OpType = "Add", Input = { "x", "y" }, Output = { "sum" } });
        graph.Node.Add(new NodeProto { Name = "relu", OpType = "Relu", Input = { "sum" }, Output = { "z" } });
        var model = new ModelProto { IrVersion = 8, ProducerName = "lumi-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model.ToByteArray();
    }

    private static ValueInfoProto FloatTensor(string name) => new()
    {
        Name = name,
        Type = new TypeProto
        {
            TensorType = new TypeProto.Types.Tensor
            {
                ElemType = (int)TensorProto.Types.DataType.Float,
                Shape = new TensorShapeProto
                {
                    Dim =
                    {
                        new TensorShapeProto.Types.Dimension { DimParam = "N" },
                        new TensorShapeProto.Types.Dimension { DimValue = 3 },
                    },
                },
            },
        },
    };
}
