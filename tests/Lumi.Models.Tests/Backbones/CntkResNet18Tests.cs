using Google.Protobuf;
using Lumi.Data.Errors;
using Lumi.Models.Backbones;
using Lumi.Models.Export;
using Lumi.Models.FasterRcnn;
using Lumi.Models.Tests.Export;
using Lumi.Models.Tests.FasterRcnn;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using Xunit.Abstractions;
using static TorchSharp.torch;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Lumi.Models.Tests.Backbones;

/// <summary>
/// <c>resnet18_cntk</c> with the bundled ImageNet weights against ONNX Runtime running the original file of
/// Microsoft.ML.DnnImageFeaturizer.ResNet18 (its four stage outputs exposed as graph outputs, its input sides made
/// free): C2…C5 agree within 1e-4 of each stage's largest magnitude, on a 224×224 image (also the featurizer's own
/// pooled output) and on odd sides, where the asymmetric padding decides the output size and every window.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class CntkResNet18Tests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    private static readonly FasterRcnnOptions Options = TinyDetectionData.TinyOptions with
    {
        Transform = new TransformOptions { ImageMean = CntkResNet18.ImageMean.ToArray(), ImageStd = CntkResNet18.ImageStd.ToArray() },
        Backbone = new BackboneOptions { Name = CntkResNet18.Name, Pretrained = "imagenet", FrozenBatchNorm = true, TrainableLayers = 5, FpnChannels = 64 },
    };

    private static Lumi.Models.FasterRcnn.FasterRcnn PretrainedModel()
    {
        manual_seed(5);
        var model = new Lumi.Models.FasterRcnn.FasterRcnn(Options);
        Assert.Equal($"{CntkResNet18.Name} ImageNet weights from {CntkResNet18.BundledPath()}", model.LoadPretrainedBackbone());
        model.eval();
        return model;
    }

    [Fact]
    public void StagesMatchOnnxRuntimeOnTheOriginalFile()
    {
        var model = PretrainedModel();
        using var session = new InferenceSession(OriginalWithStageOutputs(out var stageNames));
        foreach (var (h, w) in new (long, long)[] { (224, 224), (259, 225) })
        {
            using var scope = NewDisposeScope();
            var image = ExportFixtures.Image((int)(h * w), h, w);
            var mean = tensor(CntkResNet18.ImageMean.ToArray()).reshape(3, 1, 1);
            var std = tensor(CntkResNet18.ImageStd.ToArray()).reshape(3, 1, 1);
            using var noGrad = no_grad();
            var stages = model.Backbone.Body.forward(((image - mean) / std).to(ScalarType.Float32).unsqueeze(0));

            // The original network's input: BGR, 0…255, minus the (per-channel) mean.
            var bgr = (image.to(ScalarType.Float64) * 255 - mean.to(ScalarType.Float64) * 255).flip(0).to(ScalarType.Float32).contiguous();
            using var input = OrtValue.CreateTensorValueFromMemory(bgr.data<float>().ToArray(), new long[] { 1, 3, h, w });
            string[] names = stageNames.Append("Pooling395_Output_0").ToArray();
            using var outputs = session.Run(new RunOptions(), new[] { "Input247" }, new[] { input }, names);
            for (int i = 0; i < 4; i++)
            {
                var expected = tensor(outputs[i].GetTensorDataAsSpan<float>().ToArray(), outputs[i].GetTensorTypeAndShape().Shape);
                Assert.Equal(expected.shape, stages[i].shape);
                AssertClose(expected, stages[i], $"{h}×{w} C{i + 2}");
            }
            if (h == 224 && w == 224)
            {
                // The featurizer's own output: the 7×7 average pool of C5.
                var pooled = tensor(outputs[4].GetTensorDataAsSpan<float>().ToArray(), outputs[4].GetTensorTypeAndShape().Shape);
                AssertClose(pooled, stages[3].mean(new long[] { 2, 3 }, keepdim: true), "224×224 Pooling395");
            }
        }
    }

    [Fact]
    public void BodyExportMatchesTorchSharpOnOddSides()
    {
        var model = PretrainedModel();
        var g = new OnnxGraph();
        var x = g.Input("images", DataType.Float, 1L, 3L, "height", "width");
        var stages = model.Backbone.Body.EmitOnnx(g, x, "backbone.body");
        for (int i = 0; i < 4; i++) g.Output($"c{i + 2}", stages[i], DataType.Float, 1L, model.Backbone.Body.OutChannels[i], $"h{i}", $"w{i}");
        var bytes = g.ToModel(new Dictionary<string, string>(), "test").ToByteArray();

        var convs = ModelProto.Parser.ParseFrom(bytes).Graph.Node.Where(n => n.OpType is "Conv" or "MaxPool").ToList();
        Assert.Equal(4, convs.Count(n => n.Attribute.Single(a => a.Name == "pads").Ints.SequenceEqual(new long[] { 1, 1, 0, 0 })));
        Assert.Single(convs, n => n.Attribute.Single(a => a.Name == "pads").Ints.SequenceEqual(new long[] { 3, 3, 2, 2 }));

        using var runner = new OnnxRunner(bytes);
        foreach (var (h, w) in new (long, long)[] { (195, 129), (128, 96) })
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var image = (ExportFixtures.Image((int)(h + w), h, w).unsqueeze(0) - 0.45) * 255;
            var expected = model.Backbone.Body.forward(image);
            using var input = OrtValue.CreateTensorValueFromMemory(image.contiguous().data<float>().ToArray(), new long[] { 1, 3, h, w });
            using var outputs = runner.Session.Run(new RunOptions(), new[] { "images" }, new[] { input }, new[] { "c2", "c3", "c4", "c5" });
            for (int i = 0; i < 4; i++)
                AssertClose(expected[i], tensor(outputs[i].GetTensorDataAsSpan<float>().ToArray(), outputs[i].GetTensorTypeAndShape().Shape), $"{h}×{w} C{i + 2}");
        }
    }

    [Fact]
    public void TrainsOnCpuThroughTheStridedConvolutionPath()
    {
        var model = PretrainedModel();
        model.train();
        var (images, boxes, labels) = TinyDetectionData.Make(count: 2, size: 96, seed: 4);
        var sizes = Enumerable.Repeat((96L, 96L), 2).ToList();
        var optimizer = optim.SGD(model.parameters().Where(p => p.requires_grad), 0.01, momentum: 0.9);
        using (var scope = NewDisposeScope())
        {
            optimizer.zero_grad();
            var losses = model.ComputeLosses(images, sizes, boxes, labels);
            var total = losses.Values.Aggregate((a, b) => a + b);
            total.backward();
            Assert.True(double.IsFinite(total.item<float>()));
            optimizer.step();
        }
        // Odd sides: the strided convolutions' outputs are trimmed, and their backward goes through StridedConvolution.
        using (var scope = NewDisposeScope())
        {
            optimizer.zero_grad();
            var stages = model.Backbone.Body.forward(ExportFixtures.Image(9, 67, 97).unsqueeze(0) * 255 - 115);
            Assert.Equal(new long[] { 1, 512, 2, 3 }, stages[3].shape);
            stages.Select(s => s.square().mean()).Aggregate((a, b) => a + b).backward();
            foreach (var (name, p) in model.Backbone.Body.named_parameters())
            {
                Assert.True(p.grad is not null, $"{name} has no gradient");
                Assert.True(p.grad!.isfinite().all().item<bool>() && p.grad.abs().sum().item<float>() > 0, $"{name}: gradient not finite or zero");
            }
        }
    }

    [Fact]
    public void NormalizationConstantsAreThePreprocessingMeanImagesChannelAverages()
    {
        var preprocess = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "weights", "ResNetPreprocess.onnx")));
        Assert.Equal(new[] { "Split", "Concat", "Sub" }, preprocess.Graph.Node.Select(n => n.OpType));
        var meanImage = preprocess.Graph.Initializer.Single();
        var values = meanImage.RawData.Length > 0
            ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(meanImage.RawData.Span).ToArray()
            : meanImage.FloatData.ToArray();
        Assert.Equal(new long[] { 1, 3, 224, 224 }, meanImage.Dims);
        int plane = 224 * 224;
        for (int bgr = 0; bgr < 3; bgr++)
        {
            double average = values.Skip(bgr * plane).Take(plane).Select(v => (double)v).Average();
            Assert.Equal(average / 255, CntkResNet18.ImageMean[2 - bgr], 8);
            Assert.Equal(1.0 / 255, CntkResNet18.ImageStd[2 - bgr], 12);
        }
    }

    [Fact]
    public void ConfigurationsThatDoNotFitTheWeightsAreRefused()
    {
        var torchvisionNormalization = new Lumi.Models.FasterRcnn.FasterRcnn(Options with { Transform = new TransformOptions() });
        var e = Assert.Throws<UsageException>(() => torchvisionNormalization.LoadPretrainedBackbone());
        Assert.Equal(
            "resnet18_cntk's ImageNet weights expect 0..255 pixels minus the ImageNet mean: set model.transform.image_mean: " +
            "[0.4829475717, 0.4545211073, 0.404167153] and image_std: [0.003921568627, 0.003921568627, 0.003921568627] " +
            "(configs/backbones/resnet18_cntk.yml does), not [0.485, 0.456, 0.406] and [0.229, 0.224, 0.225]", e.Message);

        var eps = new Lumi.Models.FasterRcnn.FasterRcnn(Options with { Backbone = Options.Backbone with { BatchNormEps = 0 } });
        e = Assert.Throws<UsageException>(() => eps.LoadPretrainedBackbone());
        Assert.Equal("resnet18_cntk's ImageNet weights were trained with batch-norm epsilon 1E-05: set model.backbone.batch_norm_eps to it, not 0", e.Message);

        var resnet18 = new Lumi.Models.FasterRcnn.FasterRcnn(Options with { Backbone = Options.Backbone with { Name = "resnet18" } });
        e = Assert.Throws<UsageException>(() => resnet18.LoadPretrainedBackbone());
        Assert.Equal("model.backbone.pretrained: imagenet: Lumi bundles ImageNet weights for resnet18_cntk only, not resnet18; " +
            "give the path of torchvision's resnet18 ImageNet weights (.pth or .safetensors) instead", e.Message);
        e = Assert.Throws<UsageException>(() => resnet18.LoadBackboneWeights(CntkResNet18.BundledPath()));
        Assert.Equal($"{CntkResNet18.BundledPath()}: an ONNX file is read as resnet18_cntk's CNTK ImageNet weights, but model.backbone.name is resnet18", e.Message);

        Assert.Null(new Lumi.Models.FasterRcnn.FasterRcnn(Options with { Backbone = Options.Backbone with { Pretrained = "none" } }).LoadPretrainedBackbone());
    }

    [Fact]
    public void FilesThatAreNotTheCntkNetworkAreRefused()
    {
        var model = new Lumi.Models.FasterRcnn.FasterRcnn(Options);
        string dir = Path.Combine(Path.GetTempPath(), "lumi-cntk-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string missing = Path.Combine(dir, "missing.onnx");
            var e = Assert.Throws<InputDataException>(() => model.LoadBackboneWeights(missing));
            Assert.Equal($"{missing}: file not found", e.Message);

            string garbage = Path.Combine(dir, "garbage.onnx");
            File.WriteAllBytes(garbage, new byte[] { 0xff, 0xff, 0xff, 0xff, 0x0f });
            e = Assert.Throws<InputDataException>(() => model.LoadBackboneWeights(garbage));
            Assert.StartsWith($"{garbage}: not a readable ONNX model: ", e.Message);

            // Lumi's own export of the body: batch norms folded into biased convolutions.
            var g = new OnnxGraph();
            var stages = model.Backbone.Body.EmitOnnx(g, g.Input("images", DataType.Float, 1L, 3L, "h", "w"), "backbone.body");
            g.Output("c5", stages[3], DataType.Float, 1L, 512L, "h5", "w5");
            string folded = Path.Combine(dir, "folded.onnx");
            File.WriteAllBytes(folded, g.ToModel(new Dictionary<string, string>(), "test").ToByteArray());
            e = Assert.Throws<InputDataException>(() => model.LoadBackboneWeights(folded));
            Assert.Equal($"{folded}: not the CNTK ResNet-18 of Microsoft.ML.DnnImageFeaturizer.ResNet18: Conv backbone.body/Conv (as conv1): " +
                "strides [2, 2], pads [3, 3, 2, 2], 3 inputs; expected strides [2, 2], pads [3, 3, 2, 2], no bias", e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void SidesTheNetworkCannotTakeAreRefused()
    {
        Assert.True(CntkResNet18.FitsSide(224) && CntkResNet18.FitsSide(227) && CntkResNet18.FitsSide(32));
        Assert.False(CntkResNet18.FitsSide(228) || CntkResNet18.FitsSide(201) || CntkResNet18.FitsSide(31));
        var model = new Lumi.Models.FasterRcnn.FasterRcnn(Options);
        var e = Assert.Throws<ArgumentException>(() => model.Backbone.Body.forward(zeros(1, 3, 224, 201)));
        Assert.Equal("resnet18_cntk takes sides n whose n / 4 (rounded down) is a multiple of 8, e.g. multiples of 32, not 224×201: " +
            "elsewhere its strided convolutions and their shortcuts disagree in size, as in the original network", e.Message);
        var u = Assert.Throws<UsageException>(() => new Lumi.Models.FasterRcnn.FasterRcnn(Options with { Transform = Options.Transform with { SizeDivisible = 16 } }));
        Assert.Equal("model.transform.size_divisible must be a multiple of 32 with model.backbone.name resnet18_cntk, not 16: " +
            "its strided convolutions and their shortcuts only agree in size on such sides", u.Message);
    }

    /// <summary>The original file with free input sides, no stale shape annotations, and C2…C5 as extra outputs.</summary>
    private static byte[] OriginalWithStageOutputs(out string[] stageNames)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(CntkResNet18.BundledPath()));
        var graph = model.Graph;
        var adds = graph.Node.Where(n => n.OpType == "Add").Select(n => n.Output[0]).ToHashSet();
        var blocks = graph.Node.Where(n => n.OpType == "Relu" && adds.Contains(n.Input[0])).Select(n => n.Output[0]).ToList();
        Assert.Equal(9, blocks.Count); // 2 + 2 + 2 + 3 basic blocks
        stageNames = new[] { blocks[1], blocks[3], blocks[5], blocks[8] };
        graph.ValueInfo.Clear();
        var input = graph.Input.Single(i => i.Name == "Input247");
        input.Type.TensorType.Shape.Dim[2].DimParam = "height";
        input.Type.TensorType.Shape.Dim[3].DimParam = "width";
        graph.Output[0].Type.TensorType.Shape = null;
        foreach (var name in stageNames)
            graph.Output.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float } } });
        return model.ToByteArray();
    }

    private void AssertClose(Tensor expected, Tensor actual, string what)
    {
        double scale = expected.abs().max().item<float>();
        double diff = (expected - actual).abs().max().item<float>();
        output.WriteLine($"{what}: max |Δ| {diff:G3} of max |x| {scale:G4} ({diff / scale:G3})");
        Assert.True(diff <= Tolerance * scale, $"{what}: max |Δ| {diff:G3} > {Tolerance} × {scale:G4}");
    }
}
