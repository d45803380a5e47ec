using Lumi.Data.Imaging;
using Lumi.Inference;
using Lumi.Models.Export;
using Lumi.Models.FasterRcnn;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace Lumi.Cli.Tests.Inference;

/// <summary>
/// A tiny random Faster R-CNN (resnet18, FPN 32 channels, box head 64, classes cat and dog, resize 160/320) exported
/// once to ONNX and opened as a <see cref="Detector"/>, with generated PNG images; shared by the detector tests.
/// </summary>
public sealed class DetectorFixture : IDisposable
{
    public const float ScoreThreshold = 0.5f;
    public static readonly string[] ClassNames = ["cat", "dog"];

    public DetectorFixture()
    {
        manual_seed(5);
        var options = new FasterRcnnOptions
        {
            NumClasses = 2,
            Transform = new TransformOptions { MinSize = 160, MaxSize = 320 },
            Backbone = new BackboneOptions { Name = "resnet18", FpnChannels = 32 },
            // 60 proposals, at most 120 candidate detections: the per-image cap of 200 never cuts.
            Rpn = new RpnOptions { PreNmsTopN = new(2000, 300), PostNmsTopN = new(2000, 60) },
            RoiHeads = new RoiHeadsOptions { RepresentationSize = 64, DetectionsPerImage = 200 },
        };
        Model = new FasterRcnn(options);
        using (no_grad())
        {
            // Peaky class scores, so that detections exist well above the threshold and are not ties.
            var state = Model.state_dict();
            state["roi_heads.box_predictor.cls_score.weight"].mul_(4);
            state["roi_heads.box_predictor.cls_score.bias"].normal_(0, 1.0);
        }
        Model.eval();
        Model.RoiHeads.ScoreThreshold = ScoreThreshold;
        ModelPath = Path.Combine(Files.Dir, "model.onnx");
        OnnxExporter.Export(Model, ClassNames, new ExportOptions { ScoreThreshold = ScoreThreshold }, ModelPath);
        Detector = Detector.Load(ModelPath, new DetectorOptions { IntraOpThreads = 2 });
    }

    public TempFiles Files { get; } = new();
    public FasterRcnn Model { get; }
    public string ModelPath { get; }
    public Detector Detector { get; }

    /// <summary>A PNG of <paramref name="width"/> × <paramref name="height"/>: smooth gradients and a few solid rectangles.</summary>
    public string Image(string name, int width, int height, int seed) => WriteImage(Path.Combine(Files.Dir, name), width, height, seed);

    /// <summary>The same image written to <paramref name="path"/>, without a fixture (no model needed).</summary>
    public static string WriteImage(string path, int width, int height, int seed)
    {
        var random = new Random(seed);
        using var image = new Image<Rgb24>(width, height);
        var rects = Enumerable.Range(0, 4).Select(_ =>
        {
            int x = random.Next(width - 20), y = random.Next(height - 20);
            return (X: x, Y: y, W: random.Next(10, width - x), H: random.Next(10, height - y),
                C: new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
        }).ToArray();
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                var pixel = new Rgb24((byte)(255 * x / width), (byte)(255 * y / height), (byte)((x * y + seed) % 256));
                foreach (var r in rects)
                {
                    if (x >= r.X && x < r.X + r.W && y >= r.Y && y < r.Y + r.H) pixel = r.C;
                }
                image[x, y] = pixel;
            }
        }
        image.SaveAsPng(path);
        return path;
    }

    /// <summary>
    /// TorchSharp's eager detections on the image resized by the graph's rule, boxes mapped back to the original image
    /// per axis (original / resized) and clipped to it.
    /// </summary>
    public Detection[] Eager(RgbImage original) => Eager([original])[0];

    /// <summary>The same for a batch: the resized images zero-padded together, as one TorchSharp call.</summary>
    public Detection[][] Eager(IReadOnlyList<RgbImage> originals)
    {
        using var scope = NewDisposeScope();
        var rule = new ResizeRule(160, 320);
        var resized = originals.Select(o => rule.Resize(o)).ToArray();
        PaddedBatch packed = Padding.Pack(resized);
        var input = tensor(packed.Data[..packed.Length], packed.Shape);
        var all = Model.Detect(input, resized.Select(r => ((long)r.Height, (long)r.Width)).ToArray());
        var result = new Detection[originals.Count][];
        for (int n = 0; n < originals.Count; n++)
        {
            var (original, d) = (originals[n], all[n]);
            float[] boxes = d.Boxes.data<float>().ToArray();
            float[] scores = d.Scores.data<float>().ToArray();
            long[] labels = d.Labels.data<long>().ToArray();
            float sx = (float)original.Width / resized[n].Width, sy = (float)original.Height / resized[n].Height;
            result[n] = Enumerable.Range(0, scores.Length).Select(i => new Detection(
                Math.Clamp(boxes[4 * i] * sx, 0, original.Width), Math.Clamp(boxes[4 * i + 1] * sy, 0, original.Height),
                Math.Clamp(boxes[4 * i + 2] * sx, 0, original.Width), Math.Clamp(boxes[4 * i + 3] * sy, 0, original.Height),
                (int)labels[i], ClassNames[labels[i] - 1], scores[i])).ToArray();
        }
        return result;
    }

    public void Dispose()
    {
        Detector.Dispose();
        Model.Dispose();
        Files.Dispose();
    }
}
