using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Lumi.Models.Export;
using Lumi.Models.FasterRcnn;

namespace Lumi.Benchmarks.Export;

/// <summary>
/// Exporting torchvision's default detector, R50-FPN with COCO's 90 class slots, as one ONNX graph:
/// building the graph in memory (baseline: emitters, batch-norm folding, float32 weight copies) and the whole
/// <see cref="OnnxExporter.Export"/> (serialisation, temporary file, rename).
/// Run: dotnet run -c Release --project benchmarks/Lumi.Benchmarks -- --filter '*OnnxExport*'
/// In process: this build's output holds the libLibTorchSharp.so that loads on GLIBCXX 3.4.30 systems
/// (shared/DESIGN.md §8); a project BenchmarkDotNet generates would not.
/// </summary>
[InProcess]
[WarmupCount(1)]
[IterationCount(5)]
[MemoryDiagnoser]
public class OnnxExportBenchmarks
{
    private FasterRcnn model = null!;
    private string[] classes = null!;
    private string folder = null!;

    [GlobalSetup]
    public void Setup()
    {
        model = new FasterRcnn(new FasterRcnnOptions());
        model.eval();
        classes = Enumerable.Range(1, model.Options.NumClasses).Select(i => $"class{i}").ToArray();
        folder = Directory.CreateTempSubdirectory("lumi-export-bench-").FullName;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(folder, recursive: true);

    [Benchmark(Baseline = true)]
    public int BuildGraph() => OnnxExporter.Build(model, classes, new ExportOptions()).CalculateSize();

    [Benchmark]
    public long ExportToFile()
    {
        string path = Path.Combine(folder, "model.onnx");
        OnnxExporter.Export(model, classes, new ExportOptions(), path);
        return new FileInfo(path).Length;
    }
}
