using Lumi.Data.Errors;
using Lumi.Data.Imaging;
using Microsoft.ML.OnnxRuntime;

namespace Lumi.Inference;

/// <summary>
/// An exported Lumi graph (shared/DESIGN.md §4) in ONNX Runtime, usable from any .NET program:
/// <c>using var detector = Detector.Load("model.onnx"); var objects = detector.Predict("cat.jpg");</c>.
/// Images go through the graph's resize rule and padding, detections come back in the original
/// image's pixels with class names, the most probable first.
/// </summary>
/// <remarks>Thread-safe: concurrent <see cref="Predict(RgbImage, DetectionOverrides?)"/> calls share one session.</remarks>
public sealed class Detector : IDisposable
{
    private const string ImagesInput = "images";
    private const string ImageSizesInput = "image_sizes";
    private const string ScoreThresholdInput = "score_threshold";
    private const string NmsThresholdInput = "nms_threshold";
    private const string DetectionsPerImageInput = "detections_per_image";
    private static readonly string[] OutputNames = ["boxes", "scores", "labels", "batch_index"];

    private readonly InferenceSession _session;
    private readonly ImageDecoder _decoder;
    private readonly HashSet<string> _inputs;
    private bool _disposed;

    private Detector(string path, InferenceSession session, GraphMetadata metadata, DetectorOptions options)
    {
        Path = path;
        _session = session;
        Metadata = metadata;
        Options = options;
        Resize = metadata.Resize;
        _decoder = new ImageDecoder(options.MaxPixels);
        // The optional inputs have initializers of the same name: ONNX Runtime lists them as overridable initializers.
        _inputs = [.. session.InputMetadata.Keys, .. session.OverridableInitializerMetadata.Keys];
    }

    /// <summary>The graph's file.</summary>
    public string Path { get; }

    /// <summary>Class names and resize settings read from the graph.</summary>
    public GraphMetadata Metadata { get; }

    public IReadOnlyList<string> Classes => Metadata.Classes;

    public DetectorOptions Options { get; }

    /// <summary>The resize rule of the graph (<c>lumi.min_size</c>, <c>lumi.max_size</c>).</summary>
    public ResizeRule Resize { get; }

    /// <summary>
    /// Opens the graph in <paramref name="onnxPath"/>: an <see cref="InputDataException"/> naming the file when it is
    /// missing, not an ONNX model, or not a Lumi export (a missing or invalid <c>lumi.*</c> property, input or output).
    /// </summary>
    public static Detector Load(string onnxPath, DetectorOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(onnxPath);
        options ??= new DetectorOptions();
        if (options.IntraOpThreads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"intra-op threads must be 0 (one per core) or more, got {options.IntraOpThreads}");
        }
        if (!File.Exists(onnxPath))
        {
            throw new InputDataException($"{onnxPath}: no such model file; give the path of a graph written by 'lumi export'");
        }
        using SessionOptions sessionOptions = CreateSessionOptions(options);
        InferenceSession session;
        try
        {
            session = new InferenceSession(onnxPath, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InputDataException($"{onnxPath}: ONNX Runtime cannot load it as a model: {FirstLine(e.Message)}", e);
        }
        try
        {
            var metadata = GraphMetadata.Parse(session.ModelMetadata.CustomMetadataMap, onnxPath);
            CheckSignature(session, onnxPath);
            return new Detector(onnxPath, session, metadata, options);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Session options: all graph optimisations, intra-op threads per <paramref name="options"/>, one inter-op thread,
    /// no spinning (idle ORT threads must not compete with image decoders), the CPU memory arena, the device's provider,
    /// errors only in ONNX Runtime's own log.</summary>
    internal static SessionOptions CreateSessionOptions(DetectorOptions options)
    {
        SessionOptions session = options.Device.CreateSessionOptions();
        try
        {
            session.GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL;
            session.ExecutionMode = ExecutionMode.ORT_SEQUENTIAL;
            session.IntraOpNumThreads = options.IntraOpThreads > 0 ? options.IntraOpThreads : Environment.ProcessorCount;
            session.InterOpNumThreads = 1;
            session.EnableCpuMemArena = true;
            // Warnings only about the overridable inputs (initializers that are also graph inputs, by design): not for users' stderr.
            session.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
            session.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            session.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
            if (options.OptimizedModelPath is not null)
            {
                session.OptimizedModelFilePath = options.OptimizedModelPath;
            }
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Decodes the image in <paramref name="imagePath"/> (EXIF orientation applied) and detects objects in it.</summary>
    public Detection[] Predict(string imagePath, DetectionOverrides? overrides = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagePath);
        return Predict(_decoder.Decode(imagePath), overrides);
    }

    /// <summary>Objects in one decoded image (RGB planes in [0, 1]), in its pixels, the most probable first.</summary>
    public Detection[] Predict(RgbImage image, DetectionOverrides? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        return PredictBatch([image], overrides)[0];
    }

    /// <summary>Decodes and detects a batch of image files in one graph call; results in input order.</summary>
    public Detection[][] PredictBatch(IReadOnlyList<string> imagePaths, DetectionOverrides? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        return PredictBatch(imagePaths.Select(p => _decoder.Decode(p)).ToArray(), overrides);
    }

    /// <summary>
    /// Objects in each image of one batch (one graph call; images of different sizes are padded to the largest),
    /// in input order. The results equal those of one <see cref="Predict(RgbImage, DetectionOverrides?)"/> per image.
    /// </summary>
    public Detection[][] PredictBatch(IReadOnlyList<RgbImage> images, DetectionOverrides? overrides = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            return [];
        }
        var resized = new RgbImage[images.Count];
        var originals = new (int Width, int Height)[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            RgbImage image = images[i] ?? throw new ArgumentException($"image {i} is null", nameof(images));
            originals[i] = (image.Width, image.Height);
            resized[i] = ResizeForGraph(image);
        }
        PaddedBatch batch = Padding.Pack(resized, Metadata.SizeDivisible);
        return Run(batch, originals, overrides);
    }

    /// <summary>
    /// <paramref name="image"/> resized by the graph's rule, ready for <see cref="PredictResized"/>: the image itself
    /// (no resampling, no copy) when the rule keeps its size. Thread-safe; the prediction pipeline calls it on its decoders.
    /// </summary>
    public RgbImage ResizeForGraph(RgbImage image, float[]? buffer = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ResizedSize size = Resize.OutputSize(image.Width, image.Height);
        return size.Width == image.Width && size.Height == image.Height ? image : Resize.Resize(image, buffer);
    }

    /// <summary>
    /// Objects in a batch of images already resized by <see cref="ResizeForGraph"/>, mapped back to
    /// <paramref name="originals"/> (each image's (width, height) before resizing), in input order: one graph call.
    /// </summary>
    public Detection[][] PredictResized(IReadOnlyList<RgbImage> resized, IReadOnlyList<(int Width, int Height)> originals, DetectionOverrides? overrides = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(resized);
        ArgumentNullException.ThrowIfNull(originals);
        if (resized.Count != originals.Count)
        {
            throw new ArgumentException($"{resized.Count} resized images but {originals.Count} original sizes", nameof(originals));
        }
        if (resized.Count == 0)
        {
            return [];
        }
        for (int i = 0; i < resized.Count; i++)
        {
            ResizedSize expected = Resize.OutputSize(originals[i].Width, originals[i].Height);
            if (resized[i] is null || resized[i].Width != expected.Width || resized[i].Height != expected.Height)
            {
                throw new ArgumentException(
                    $"image {i} is not the graph's resize of a {originals[i].Width}x{originals[i].Height} image (expected {expected.Width}x{expected.Height})", nameof(resized));
            }
        }
        PaddedBatch batch = Padding.Pack(resized, Metadata.SizeDivisible);
        return Run(batch, [.. originals], overrides);
    }

    private Detection[][] Run(PaddedBatch batch, (int Width, int Height)[] originals, DetectionOverrides? overrides)
    {
        var sizes = new long[2 * batch.Count];
        for (int i = 0; i < batch.Count; i++)
        {
            sizes[2 * i] = batch.Sizes[i].Height;
            sizes[2 * i + 1] = batch.Sizes[i].Width;
        }
        var names = new List<string>(5) { ImagesInput, ImageSizesInput };
        var values = new List<OrtValue>(5);
        try
        {
            values.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, batch.Data.AsMemory(0, batch.Length), batch.Shape));
            values.Add(OrtValue.CreateTensorValueFromMemory(sizes, [batch.Count, 2]));
            if (overrides?.ScoreThreshold is float score)
            {
                if (!(score is >= 0f and <= 1f))
                {
                    throw new ArgumentOutOfRangeException(nameof(overrides), $"score threshold must be in [0, 1], got {score}");
                }
                AddScalar(names, values, ScoreThresholdInput, new[] { score });
            }
            if (overrides?.NmsThreshold is float nms)
            {
                if (!(nms is >= 0f and <= 1f))
                {
                    throw new ArgumentOutOfRangeException(nameof(overrides), $"NMS threshold must be in [0, 1], got {nms}");
                }
                AddScalar(names, values, NmsThresholdInput, new[] { nms });
            }
            if (overrides?.MaxDetections is int max)
            {
                if (max < 1)
                {
                    throw new ArgumentOutOfRangeException(nameof(overrides), $"max detections must be at least 1, got {max}");
                }
                AddScalar(names, values, DetectionsPerImageInput, new[] { (long)max });
            }
            using var runOptions = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> outputs = _session.Run(runOptions, names, values, OutputNames);
            return DetectionDecoder.Decode(
                outputs[0].GetTensorDataAsSpan<float>(),
                outputs[1].GetTensorDataAsSpan<float>(),
                outputs[2].GetTensorDataAsSpan<long>(),
                outputs[3].GetTensorDataAsSpan<long>(),
                originals,
                Resize,
                label => Metadata.ClassName(label, Path));
        }
        finally
        {
            foreach (OrtValue value in values)
            {
                value.Dispose();
            }
        }
    }

    private void AddScalar<T>(List<string> names, List<OrtValue> values, string input, T[] value) where T : unmanaged
    {
        if (!_inputs.Contains(input))
        {
            throw new InputDataException($"{Path}: the graph has no '{input}' input to override; export the model again with this version of Lumi");
        }
        names.Add(input);
        values.Add(OrtValue.CreateTensorValueFromMemory(value, []));
    }

    private static void CheckSignature(InferenceSession session, string path)
    {
        foreach (string input in new[] { ImagesInput, ImageSizesInput })
        {
            if (!session.InputMetadata.ContainsKey(input))
            {
                throw new InputDataException(
                    $"{path}: not a Lumi export: no '{input}' input (inputs: {string.Join(", ", session.InputMetadata.Keys)})");
            }
        }
        foreach (string output in OutputNames)
        {
            if (!session.OutputMetadata.ContainsKey(output))
            {
                throw new InputDataException(
                    $"{path}: not a Lumi export: no '{output}' output (outputs: {string.Join(", ", session.OutputMetadata.Keys)})");
            }
        }
    }

    private static string FirstLine(string message)
    {
        message = message.Trim();
        int newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _session.Dispose();
        }
    }
}
