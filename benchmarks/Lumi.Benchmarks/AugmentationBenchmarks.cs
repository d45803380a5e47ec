using BenchmarkDotNet.Attributes;
using Lumi.Data;
using Lumi.Data.Augmentation;
using Lumi.Data.Imaging;
using Lumi.Data.Synthetic;
using Lumi.Data.Voc;

namespace Lumi.Benchmarks;

/// <summary>
/// One training image through <see cref="AugmentationPipeline"/>: a 480×360 synthetic JPEG (shapes on clutter, from
/// <c>lumi dataset synth</c>), resized to short side 600 (max 1000) by the final step. Baseline: the resize alone; each
/// other row adds one step at probability 1, <c>All</c> runs every step, <c>DecodeAndAll</c> decodes the JPEG first.
/// Run: <c>dotnet run -c Release --project benchmarks/Lumi.Benchmarks -- --filter *Augmentation* --job short --inProcess</c>.
/// </summary>
/// <remarks>
/// Measured 2026-11-25 (Release, .NET 10, the 2-core AMD EPYC VM shared with about six builds and test runs, load
/// average 17–25): the times (20–210 ms per image, ResizeOnly slower than rows that include it) were dominated by the
/// load and are not meaningful; the allocations are: 5.5 MB per image for the resize alone (the 800×600 output
/// planes), 7.5 MB with a flip or the photometric step, 6.7 MB with a crop, 8 MB with zoom-out, 18 MB with every
/// step, 20 MB with the decode. Rerun on a quiet machine for times.
/// </remarks>
[MemoryDiagnoser]
public class AugmentationBenchmarks
{
    private static readonly ResizeRule Resize = new(600, 1000);

    private string _folder = "";
    private string _imagePath = "";
    private TrainSample _sample = null!;
    private AugmentationPipeline _resize = null!, _flip = null!, _photometric = null!, _crop = null!, _zoomOut = null!, _all = null!;
    private readonly ImageDecoder _decoder = new();

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), $"lumi-augment-bench-{Environment.ProcessId}");
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
        SyntheticVoc.Write(_folder, new SyntheticVocOptions { Images = 1, Width = 480, Height = 360, MinObjects = 4, MaxObjects = 4 });
        _imagePath = Path.Combine(_folder, "JPEGImages", "000001.jpg");
        VocAnnotation annotation = VocAnnotationFile.Read(Path.Combine(_folder, "Annotations", "000001.xml"));
        _sample = new TrainSample("000001", _decoder.Decode(_imagePath),
            annotation.Objects.SelectMany(o => new[] { o.Box.X1, o.Box.Y1, o.Box.X2, o.Box.Y2 }).ToArray(),
            annotation.Objects.Select(_ => 1).ToArray());
        var none = new AugmentationOptions { HorizontalFlip = new() };
        _resize = AugmentationPipeline.Create(none, Resize);
        _flip = AugmentationPipeline.Create(none with { HorizontalFlip = new() { Probability = 1 } }, Resize);
        _photometric = AugmentationPipeline.Create(none with { Photometric = new() { Probability = 1 } }, Resize);
        _crop = AugmentationPipeline.Create(none with { RandomCrop = new() { Probability = 1 } }, Resize);
        _zoomOut = AugmentationPipeline.Create(none with { ZoomOut = new() { Probability = 1, MaxRatio = 2 } }, Resize);
        _all = AugmentationPipeline.Create(new AugmentationOptions
        {
            Photometric = new() { Probability = 1 },
            ZoomOut = new() { Probability = 0.5, MaxRatio = 2 },
            RandomCrop = new() { Probability = 0.5 },
            MultiScale = new() { MinSizes = [480, 544, 600] },
        }, Resize);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark(Baseline = true)]
    public int ResizeOnly() => _resize.Apply(_sample, new Random(1)).Image.Width;

    [Benchmark]
    public int HorizontalFlip() => _flip.Apply(_sample, new Random(1)).Image.Width;

    [Benchmark]
    public int Photometric() => _photometric.Apply(_sample, new Random(1)).Image.Width;

    [Benchmark]
    public int RandomCrop() => _crop.Apply(_sample, new Random(1)).Image.Width;

    [Benchmark]
    public int ZoomOut() => _zoomOut.Apply(_sample, new Random(1)).Image.Width;

    [Benchmark]
    public int All() => _all.Apply(_sample, new Random(1)).Image.Width;

    [Benchmark]
    public int DecodeAndAll() => _all.Apply(_sample with { Image = _decoder.Decode(_imagePath) }, new Random(1)).Image.Width;
}
