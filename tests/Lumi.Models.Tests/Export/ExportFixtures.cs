using Lumi.Models.FasterRcnn;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Models.Tests.Export;

/// <summary>
/// Models with random weights calibrated as <c>tests/reference/model_reference.py</c> does (batch norms with
/// non-trivial statistics, objectness that varies between anchors, a peaky classifier) so detections exist,
/// and synthetic images (noise plus flat-coloured rectangles) padded into batches.
/// </summary>
public static class ExportFixtures
{
    public static Lumi.Models.FasterRcnn.FasterRcnn RandomModel(string backbone, bool frozenBatchNorm, int numClasses, int seed,
        double eps = 1e-5, Func<FasterRcnnOptions, FasterRcnnOptions>? configure = null)
    {
        torch.manual_seed(seed);
        var options = new FasterRcnnOptions
        {
            NumClasses = numClasses,
            Backbone = new BackboneOptions { Name = backbone, FrozenBatchNorm = frozenBatchNorm, BatchNormEps = eps, TrainableLayers = frozenBatchNorm ? 3 : 5 },
        };
        if (configure is not null) options = configure(options);
        var model = new Lumi.Models.FasterRcnn.FasterRcnn(options);
        var state = model.state_dict();
        using (no_grad())
        {
            foreach (var key in state.Keys.Where(k => k.EndsWith(".running_mean", StringComparison.Ordinal)).ToList())
            {
                string p = key[..^".running_mean".Length];
                long c = state[key].numel();
                state[p + ".weight"].copy_(rand(c) * 0.6 + 0.7);
                state[p + ".bias"].copy_(randn(c) * 0.1);
                state[p + ".running_mean"].copy_(randn(c) * 0.1);
                state[p + ".running_var"].copy_(rand(c) * 0.6 + 0.7);
            }
            state["rpn.head.cls_logits.weight"].normal_(0, 0.05);
            state["rpn.head.cls_logits.bias"].normal_(0, 0.5);
            state["rpn.head.bbox_pred.weight"].normal_(0, 0.02);
            state["roi_heads.box_predictor.cls_score.weight"].normal_(0, 0.2);
            state["roi_heads.box_predictor.cls_score.bias"].normal_(0, 1.0);
            state["roi_heads.box_predictor.bbox_pred.weight"].normal_(0, 0.01);
        }
        model.eval();
        NormalizePyramid(model, state);
        return model;
    }

    /// <summary>
    /// Deep random ResNets (more so with batch-norm epsilon 0) grow their activations block by block, which ends in
    /// saturated scores (ties at 1.0) and degenerate sub-pixel boxes. Scaling each FPN output convolution so its level
    /// has unit standard deviation on a sample image keeps the heads in the regime a trained detector works in.
    /// </summary>
    private static void NormalizePyramid(Lumi.Models.FasterRcnn.FasterRcnn model, Dictionary<string, Tensor> state)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (batch, sizes) = Batch(new[] { Image(12345, 128, 160) });
        var levels = model.Backbone.forward(model.Transform(batch, sizes));
        for (int i = 0; i < levels.Length - 1; i++)
        {
            double std = levels[i].std().item<float>();
            state[$"backbone.fpn.layer_blocks.{i}.0.weight"].div_(std);
            state[$"backbone.fpn.layer_blocks.{i}.0.bias"].div_(std);
        }
    }

    /// <summary>A model with the same weights as <paramref name="model"/> but other options (e.g. test-time thresholds).</summary>
    public static Lumi.Models.FasterRcnn.FasterRcnn Clone(Lumi.Models.FasterRcnn.FasterRcnn model, FasterRcnnOptions options)
    {
        var copy = new Lumi.Models.FasterRcnn.FasterRcnn(options);
        var target = copy.state_dict();
        using (no_grad())
            foreach (var (k, v) in model.state_dict()) target[k].copy_(v);
        copy.eval();
        return copy;
    }

    /// <summary>Smooth blobs on noise, [3, h, w] in [0, 1].</summary>
    public static Tensor Image(int seed, long h, long w)
    {
        var rng = new Random(seed);
        torch.manual_seed(seed);
        var img = rand(3, h, w) * 0.3;
        for (int b = 0; b < 3; b++)
        {
            long bw = rng.NextInt64(Math.Min(24, w / 2), w / 2 + 1), bh = rng.NextInt64(Math.Min(24, h / 2), h / 2 + 1);
            long x1 = rng.NextInt64(0, w - bw + 1), y1 = rng.NextInt64(0, h - bh + 1);
            var color = rand(3, 1, 1);
            using (no_grad())
                img[.., (int)y1..(int)(y1 + bh), (int)x1..(int)(x1 + bw)] = color * 0.7 + 0.3 * img[.., (int)y1..(int)(y1 + bh), (int)x1..(int)(x1 + bw)];
        }
        return img;
    }

    /// <summary>Images zero-padded bottom/right into one batch whose sides are multiples of 32, and their sizes.</summary>
    public static (Tensor Batch, IReadOnlyList<(long Height, long Width)> Sizes) Batch(IReadOnlyList<Tensor> images)
    {
        var sizes = images.Select(i => (i.shape[1], i.shape[2])).ToList();
        long h = (sizes.Max(s => s.Item1) + 31) / 32 * 32, w = (sizes.Max(s => s.Item2) + 31) / 32 * 32;
        var batch = zeros(images.Count, 3, h, w);
        for (int i = 0; i < images.Count; i++)
            batch[i, .., ..(int)sizes[i].Item1, ..(int)sizes[i].Item2] = images[i].to(ScalarType.Float32);
        return (batch, sizes);
    }
}
