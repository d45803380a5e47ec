using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Lumi.Models.Export;

/// <summary>
/// Writes a <see cref="FasterRcnn.FasterRcnn"/> as one ONNX graph, image tensor to final detections, following
/// shared/DESIGN.md §4: inputs <c>images</c> float32 [N, 3, H, W] and <c>image_sizes</c> int64 [N, 2], optional
/// <c>score_threshold</c>, <c>nms_threshold</c>, <c>detections_per_image</c>; outputs <c>boxes</c>, <c>scores</c>,
/// <c>labels</c>, <c>batch_index</c>; opset 17, IR version 8; the <c>lumi.*</c> metadata properties.
/// </summary>
public static class OnnxExporter
{
    /// <summary>Contract version written as <c>lumi.format</c>.</summary>
    public const string Format = "1";

    /// <summary>Class names equal to this are placeholders (COCO's unused ids): never emitted as detections.</summary>
    public const string PlaceholderClass = "N/A";

    /// <summary>
    /// Exports <paramref name="model"/> to <paramref name="outputPath"/>, writing a temporary file beside it and
    /// renaming it, so a crash never leaves half a file under the real name.
    /// </summary>
    /// <param name="model">Any dtype and device; weights are written as float32.</param>
    /// <param name="classes">Foreground class names, label L naming classes[L−1]; as many as the model's classes.</param>
    public static void Export(FasterRcnn.FasterRcnn model, IReadOnlyList<string> classes, ExportOptions options, string outputPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        var proto = Build(model, classes, options);
        string full = Path.GetFullPath(outputPath);
        string dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        string temp = Path.Combine(dir, $".{Path.GetFileName(full)}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                proto.WriteTo(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>The ONNX model, in memory.</summary>
    public static ModelProto Build(FasterRcnn.FasterRcnn model, IReadOnlyList<string> classes, ExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(options);
        var o = model.Options;
        if (classes.Count != o.NumClasses)
            throw new ArgumentException($"{classes.Count} class names given, but the model has {o.NumClasses} classes; give one name per class (\"{PlaceholderClass}\" for unused slots).", nameof(classes));
        double score = options.ScoreThreshold ?? o.RoiHeads.ScoreThreshold;
        double nms = options.NmsThreshold ?? o.RoiHeads.NmsThreshold;
        int perImage = options.DetectionsPerImage ?? o.RoiHeads.DetectionsPerImage;
        if (score is < 0 or > 1 || double.IsNaN(score))
            throw new ArgumentOutOfRangeException(nameof(options), $"score threshold must be in [0, 1], not {score}");
        if (nms is < 0 or > 1 || double.IsNaN(nms))
            throw new ArgumentOutOfRangeException(nameof(options), $"NMS threshold must be in [0, 1], not {nms}");
        if (perImage < 1)
            throw new ArgumentOutOfRangeException(nameof(options), $"detections per image must be at least 1, not {perImage}");

        var g = new OnnxGraph();
        var images = g.Input("images", DataType.Float, "N", 3L, "H", "W");
        var imageSizes = g.Input("image_sizes", DataType.Int64, "N", 2L);
        var settings = new RoiHeads.RoiHeads.OnnxSettings(
            g.InputWithDefault("score_threshold", (float)score),
            g.InputWithDefault("nms_threshold", (float)nms),
            g.InputWithDefault("detections_per_image", (long)perImage),
            classes.Select(c => c != PlaceholderClass).ToArray());

        bool training = model.training;
        model.eval();
        try
        {
            var batch = OnnxImageBatch.Create(g, images, imageSizes);
            var (boxes, scores, labels, imageIndex) = model.EmitOnnx(g, batch, settings);
            g.Output("boxes", boxes, DataType.Float, "D", 4L);
            g.Output("scores", scores, DataType.Float, "D");
            g.Output("labels", labels, DataType.Int64, "D");
            g.Output("batch_index", imageIndex, DataType.Int64, "D");
        }
        finally
        {
            model.train(training);
        }
        return g.ToModel(Metadata(o, classes, options), Version);
    }

    /// <summary>The assembly's informational version (without a source-revision suffix).</summary>
    public static string Version { get; } =
        (typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0")
        .Split('+')[0];

    private static IEnumerable<KeyValuePair<string, string>> Metadata(FasterRcnn.FasterRcnnOptions o, IReadOnlyList<string> classes, ExportOptions options)
    {
        string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        string Array(double[] values) => "[" + string.Join(",", values.Select(Num)) + "]";
        return new Dictionary<string, string>
        {
            ["lumi.format"] = Format,
            ["lumi.classes"] = JsonSerializer.Serialize(classes),
            ["lumi.min_size"] = o.Transform.MinSize.ToString(CultureInfo.InvariantCulture),
            ["lumi.max_size"] = o.Transform.MaxSize.ToString(CultureInfo.InvariantCulture),
            ["lumi.size_divisible"] = o.Transform.SizeDivisible.ToString(CultureInfo.InvariantCulture),
            ["lumi.mean"] = Array(o.Transform.ImageMean),
            ["lumi.std"] = Array(o.Transform.ImageStd),
            ["lumi.resize"] = "torchvision-bilinear",
            ["lumi.arch"] = options.Arch ?? $"fasterrcnn_{o.Backbone.Name}_fpn",
            ["lumi.version"] = Version,
        };
    }
}
