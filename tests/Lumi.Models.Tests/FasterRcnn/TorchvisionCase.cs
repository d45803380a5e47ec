using System.Text.Json;
using Lumi.Models.Checkpoints;
using Lumi.Models.FasterRcnn;
using Lumi.Models.Matching;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Models.Tests.FasterRcnn;

/// <summary>
/// One case recorded by <c>tests/reference/model_reference.py</c>: torchvision's weights, inputs and outputs,
/// and a Lumi model built from the same configuration with those weights loaded.
/// </summary>
public sealed class TorchvisionCase
{
    private TorchvisionCase(string name)
    {
        string dir = ReferenceData.GetDirectory("model_reference.py");
        Meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, name + ".json"))).RootElement;
        Io = SafeTensors.Read(Path.Combine(dir, name + ".io.safetensors"));
        Weights = SafeTensors.Read(Path.Combine(dir, name + ".weights.safetensors"));
        DType = Meta.GetProperty("dtype").GetString() == "float64" ? ScalarType.Float64 : ScalarType.Float32;
        bool frozen = Meta.GetProperty("frozen").GetBoolean();
        Options = new FasterRcnnOptions
        {
            NumClasses = Meta.GetProperty("num_classes").GetInt32(),
            Backbone = new BackboneOptions
            {
                Name = Meta.GetProperty("backbone").GetString()!,
                FrozenBatchNorm = frozen,
                BatchNormEps = Meta.GetProperty("eps").GetDouble(),
                TrainableLayers = frozen ? 3 : 5,
            },
        };
        NumImages = Meta.GetProperty("num_images").GetInt32();
    }

    public JsonElement Meta { get; }
    public Dictionary<string, Tensor> Io { get; }
    public Dictionary<string, Tensor> Weights { get; }
    public ScalarType DType { get; }
    public FasterRcnnOptions Options { get; }
    public int NumImages { get; }

    public static TorchvisionCase Load(string name) => new(name);

    /// <summary>A Lumi model with the case's weights, in the case's dtype, in eval mode.</summary>
    public Lumi.Models.FasterRcnn.FasterRcnn CreateModel()
    {
        var model = new Lumi.Models.FasterRcnn.FasterRcnn(Options);
        model.to(DType);
        var state = model.state_dict();
        Assert.Equal(Weights.Keys.Order(StringComparer.Ordinal), state.Keys.Order(StringComparer.Ordinal));
        using (no_grad())
        {
            foreach (var (key, value) in Weights)
            {
                Assert.True(state[key].shape.SequenceEqual(value.shape), $"{key}: [{string.Join(",", state[key].shape)}] vs [{string.Join(",", value.shape)}]");
                state[key].copy_(value);
            }
        }
        model.eval();
        return model;
    }

    public IReadOnlyList<(long Height, long Width)> ImageSizes =>
        Enumerable.Range(0, NumImages).Select(i => (Io[$"image_{i}"].shape[1], Io[$"image_{i}"].shape[2])).ToList();

    /// <summary>The images zero-padded into one batch (bottom/right), as the data pipeline delivers them.</summary>
    public Tensor Batch()
    {
        var sizes = ImageSizes;
        long h = sizes.Max(s => s.Height), w = sizes.Max(s => s.Width);
        var batch = zeros(new long[] { NumImages, 3, h, w }, DType);
        for (int i = 0; i < NumImages; i++)
            batch[i, .., ..(int)sizes[i].Height, ..(int)sizes[i].Width] = Io[$"image_{i}"];
        return batch;
    }

    public Tensor[] TargetBoxes => Enumerable.Range(0, NumImages).Select(i => Io[$"target_boxes_{i}"]).ToArray();

    public Tensor[] TargetLabels => Enumerable.Range(0, NumImages).Select(i => Io[$"target_labels_{i}"]).ToArray();

    /// <summary>A sampler that returns the masks torchvision's sampler chose (prefix "rpn" or "roi").</summary>
    public ISampler ReplaySampler(string prefix) => new Replay(
        Enumerable.Range(0, NumImages).Select(i => Io[$"{prefix}_pos_{i}"]).ToArray(),
        Enumerable.Range(0, NumImages).Select(i => Io[$"{prefix}_neg_{i}"]).ToArray());

    private sealed class Replay(Tensor[] pos, Tensor[] neg) : ISampler
    {
        public (Tensor[] Positive, Tensor[] Negative) Sample(IReadOnlyList<Tensor> labels)
        {
            for (int i = 0; i < labels.Count; i++)
                Assert.Equal(labels[i].shape[0], pos[i].shape[0]);
            return (pos.Select(p => p.clone()).ToArray(), neg.Select(n => n.clone()).ToArray());
        }
    }
}
