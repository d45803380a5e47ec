using System.Diagnostics;
using System.Text.Json;
using Google.Protobuf;
using Lumi.Models.Export;
using Lumi.Models.Tests.Checkpoints;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Lumi.Models.Tests.Export;

/// <summary>The exported file: DESIGN §4's inputs, outputs and metadata, the ONNX checker, and how it is written.</summary>
[Collection("Model")]
public sealed class OnnxExportFileTests(ITestOutputHelper output)
{
    private const string Python = "/usr/bin/python3";

    private static readonly string[] Classes = { "cat", "dog", "N/A", "bird" };

    [Fact]
    public void FileMeetsTheContractAndPassesTheOnnxChecker()
    {
        var model = ExportFixtures.RandomModel("resnet18", frozenBatchNorm: true, numClasses: 4, seed: 41);
        using var dir = new TempDir();
        string path = dir["out/model.onnx"];
        OnnxExporter.Export(model, Classes, new ExportOptions { ScoreThreshold = 0.25, NmsThreshold = 0.45, DetectionsPerImage = 50 }, path);

        // Written under a temporary name and renamed: nothing else is left in the folder.
        Assert.Equal(new[] { "model.onnx" }, Directory.GetFiles(dir["out"]).Select(Path.GetFileName));

        var proto = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        Assert.Equal(8, proto.IrVersion);
        Assert.Equal(17, proto.OpsetImport.Single().Version);
        var defaults = proto.Graph.Initializer.Where(t => t.Name is "score_threshold" or "nms_threshold" or "detections_per_image")
            .ToDictionary(t => t.Name);
        Assert.Equal(0.25f, defaults["score_threshold"].FloatData.Single());
        Assert.Equal(0.45f, defaults["nms_threshold"].FloatData.Single());
        Assert.Equal(50, defaults["detections_per_image"].Int64Data.Single());
        Assert.DoesNotContain(proto.Graph.Node, n => n.OpType is "Loop" or "If" or "BatchNormalization");

        Assert.Equal(new[] { "images", "image_sizes", "score_threshold", "nms_threshold", "detections_per_image" },
            proto.Graph.Input.Select(i => i.Name));
        using var session = new InferenceSession(path);
        Assert.Equal(new[] { "images", "image_sizes" }, session.InputNames);
        // ONNX Runtime lists inputs that have an initializer as overridable initializers.
        Assert.Equal(new[] { "detections_per_image", "nms_threshold", "score_threshold" },
            session.OverridableInitializerMetadata.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new[] { -1, 3, -1, -1 }, session.InputMetadata["images"].Dimensions);
        Assert.Equal(typeof(float), session.InputMetadata["images"].ElementType);
        Assert.Equal(typeof(long), session.InputMetadata["image_sizes"].ElementType);
        Assert.Equal(new[] { "boxes", "scores", "labels", "batch_index" }, session.OutputNames);
        Assert.Equal(new[] { typeof(float), typeof(float), typeof(long), typeof(long) },
            session.OutputNames.Select(n => session.OutputMetadata[n].ElementType));

        var meta = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("1", meta["lumi.format"]);
        Assert.Equal(Classes, JsonSerializer.Deserialize<string[]>(meta["lumi.classes"]));
        Assert.Equal("800", meta["lumi.min_size"]);
        Assert.Equal("1333", meta["lumi.max_size"]);
        Assert.Equal("32", meta["lumi.size_divisible"]);
        Assert.Equal(new[] { 0.485, 0.456, 0.406 }, JsonSerializer.Deserialize<double[]>(meta["lumi.mean"]));
        Assert.Equal(new[] { 0.229, 0.224, 0.225 }, JsonSerializer.Deserialize<double[]>(meta["lumi.std"]));
        Assert.Equal("torchvision-bilinear", meta["lumi.resize"]);
        Assert.Equal("fasterrcnn_resnet18_fpn", meta["lumi.arch"]);
        Assert.Equal(OnnxExporter.Version, meta["lumi.version"]);

        if (!File.Exists(Python)) throw new InvalidOperationException($"{Python} is missing: install Debian's python3-onnx.");
        var psi = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("import sys, onnx; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True); print('ok', onnx.__version__)");
        psi.ArgumentList.Add(path);
        psi.Environment["PYTHONNOUSERSITE"] = "1";
        psi.Environment.Remove("PYTHONPATH");
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        output.WriteLine(stdout + stderr);
        Assert.True(p.ExitCode == 0, $"onnx.checker failed:\n{stderr}");
    }

    [Fact]
    public void ExportReplacesAnExistingFile()
    {
        var model = ExportFixtures.RandomModel("resnet18", frozenBatchNorm: true, numClasses: 4, seed: 42);
        using var dir = new TempDir();
        string path = dir["model.onnx"];
        File.WriteAllText(path, "old");
        OnnxExporter.Export(model, Classes, new ExportOptions(), path);
        Assert.Equal(new[] { "model.onnx" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName));
        Assert.True(new FileInfo(path).Length > 1_000_000);
    }

    [Fact]
    public void ClassNamesMustMatchTheModel()
    {
        var model = ExportFixtures.RandomModel("resnet18", frozenBatchNorm: true, numClasses: 4, seed: 43);
        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.Build(model, new[] { "cat" }, new ExportOptions()));
        Assert.StartsWith("1 class names given, but the model has 4 classes; give one name per class (\"N/A\" for unused slots).", e.Message);
    }

    [Fact]
    public void PlaceholderClassesAreNeverEmitted()
    {
        var model = ExportFixtures.RandomModel("resnet18", frozenBatchNorm: true, numClasses: 4, seed: 44);
        var (batch, sizes) = ExportFixtures.Batch(new[] { ExportFixtures.Image(9, 192, 224) });
        var eager = model.Detect(batch, sizes).Select(ImageDetections.From).Single();
        // The placeholder takes the slot of the label eager detects most often.
        long placeholder = eager.Labels.GroupBy(l => l).MaxBy(g => g.Count())!.Key;
        var classes = new[] { "cat", "dog", "bird", "fish" };
        classes[placeholder - 1] = OnnxExporter.PlaceholderClass;
        using var onnx = new OnnxRunner(OnnxExporter.Build(model, classes, new ExportOptions()).ToByteArray());
        var actual = onnx.Run(batch, sizes, detectionsPerImage: 1000).Single();
        Assert.DoesNotContain(placeholder, actual.Labels);
        // Everything else is unchanged: eager's detections of the other classes all appear.
        var keep = Enumerable.Range(0, eager.Count).Where(i => eager.Labels[i] != placeholder).ToArray();
        Assert.NotEmpty(keep);
        var others = new ImageDetections(keep.SelectMany(i => eager.Boxes.Skip(4 * i).Take(4)).ToArray(),
            keep.Select(i => eager.Scores[i]).ToArray(), keep.Select(i => eager.Labels[i]).ToArray());
        var r = DetectionSets.Compare(others, actual, model.Options.RoiHeads.ScoreThreshold, int.MaxValue);
        output.WriteLine($"placeholder label {placeholder}: {r.Compared} of eager's other detections compared, unmatched {r.Unmatched}");
        Assert.Equal(0, r.Unmatched);
    }
}
