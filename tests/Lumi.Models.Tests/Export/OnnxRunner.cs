using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace Lumi.Models.Tests.Export;

/// <summary>One image's detections as plain arrays: boxes (x1, y1, x2, y2) row-major, scores, 1-based labels.</summary>
public sealed record ImageDetections(float[] Boxes, float[] Scores, long[] Labels)
{
    public int Count => Scores.Length;

    public static ImageDetections From(Lumi.Models.FasterRcnn.Detections d) => From(d.Boxes, d.Scores, d.Labels);

    public static ImageDetections From(Tensor boxes, Tensor scores, Tensor labels) => new(Floats(boxes), Floats(scores), Longs(labels));

    // TorchSharp's accessor throws on an empty tensor.
    private static float[] Floats(Tensor t) => t.numel() == 0 ? Array.Empty<float>() : t.to(ScalarType.Float32).contiguous().data<float>().ToArray();

    private static long[] Longs(Tensor t) => t.numel() == 0 ? Array.Empty<long>() : t.to(ScalarType.Int64).contiguous().data<long>().ToArray();
}

/// <summary>An exported graph in an ONNX Runtime CPU session with every graph optimisation on.</summary>
public sealed class OnnxRunner : IDisposable
{
    private readonly InferenceSession session;

    public OnnxRunner(byte[] model)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = 2,
            InterOpNumThreads = 1,
        };
        session = new InferenceSession(model, options);
    }

    public InferenceSession Session => session;

    /// <summary>
    /// Runs a padded batch; <paramref name="scoreThreshold"/>, <paramref name="nmsThreshold"/> and
    /// <paramref name="detectionsPerImage"/> override the graph's defaults when given. Returns detections per image
    /// and checks the outputs' invariants (image order, scores sorted within an image).
    /// </summary>
    public ImageDetections[] Run(Tensor images, IReadOnlyList<(long Height, long Width)> sizes,
        float? scoreThreshold = null, float? nmsThreshold = null, long? detectionsPerImage = null)
    {
        var img = images.to(ScalarType.Float32).contiguous();
        var inputs = new Dictionary<string, OrtValue>
        {
            ["images"] = OrtValue.CreateTensorValueFromMemory(img.data<float>().ToArray(), img.shape),
            ["image_sizes"] = OrtValue.CreateTensorValueFromMemory(sizes.SelectMany(s => new[] { s.Height, s.Width }).ToArray(), new long[] { sizes.Count, 2 }),
        };
        if (scoreThreshold is float st) inputs["score_threshold"] = OrtValue.CreateTensorValueFromMemory(new[] { st }, Array.Empty<long>());
        if (nmsThreshold is float nt) inputs["nms_threshold"] = OrtValue.CreateTensorValueFromMemory(new[] { nt }, Array.Empty<long>());
        if (detectionsPerImage is long dp) inputs["detections_per_image"] = OrtValue.CreateTensorValueFromMemory(new[] { dp }, Array.Empty<long>());
        try
        {
            string[] outputNames = { "boxes", "scores", "labels", "batch_index" };
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, inputs.Keys.ToArray(), inputs.Values.ToArray(), outputNames);
            var boxes = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            var scores = outputs[1].GetTensorDataAsSpan<float>().ToArray();
            var labels = outputs[2].GetTensorDataAsSpan<long>().ToArray();
            var batch = outputs[3].GetTensorDataAsSpan<long>().ToArray();
            Assert.Equal(new long[] { scores.Length, 4 }, outputs[0].GetTensorTypeAndShape().Shape);
            Assert.Equal(scores.Length, labels.Length);
            Assert.Equal(scores.Length, batch.Length);
            var result = new ImageDetections[sizes.Count];
            for (int i = 0; i < sizes.Count; i++)
            {
                var idx = Enumerable.Range(0, batch.Length).Where(j => batch[j] == i).ToArray();
                if (idx.Length > 0) Assert.Equal(idx[^1] - idx[0] + 1, idx.Length); // images are contiguous, in order
                for (int j = 1; j < idx.Length; j++) Assert.True(scores[idx[j]] <= scores[idx[j - 1]], "scores sorted within an image");
                result[i] = new ImageDetections(idx.SelectMany(j => boxes.Skip(4 * j).Take(4)).ToArray(),
                    idx.Select(j => scores[j]).ToArray(), idx.Select(j => labels[j]).ToArray());
            }
            Assert.All(batch, b => Assert.InRange(b, 0, sizes.Count - 1));
            return result;
        }
        finally
        {
            foreach (var v in inputs.Values) v.Dispose();
        }
    }

    public void Dispose() => session.Dispose();
}
