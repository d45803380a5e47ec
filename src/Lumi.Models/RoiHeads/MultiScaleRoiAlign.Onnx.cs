using Lumi.Models.Export;
using Lumi.Models.Ops;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Lumi.Models.RoiHeads;

public sealed partial class MultiScaleRoiAlign
{
    /// <summary>
    /// Pooled features [R, C, out, out] for a flat list of boxes (image pixels) and their images, as ONNX nodes.
    /// Each level's scale is inferred at run time from its height and the tallest image content
    /// (2^round(log2(feature / image)), as <see cref="InferScale"/>), the boxes are mapped to levels with
    /// <see cref="MapLevels"/>'s rule, and each level's boxes go through RoiAlign-16 ("output_half_pixel", i.e.
    /// aligned = false) and are scattered back into their original order.
    /// </summary>
    internal OnnxValue EmitOnnx(OnnxGraph g, OnnxValue[] features, OnnxValue boxes, OnnxValue imageIndex, OnnxImageBatch batch)
    {
        using var _ = g.Scope("box_roi_pool");
        var maxHeight = g.Cast(g.ReduceMax(g.Slice(batch.ImageSizes, 1, 0, 1), 0, keepDims: false), DataType.Float); // [1]
        var ln2 = g.Scalar((float)Math.Log(2));
        var log2Scales = new OnnxValue[features.Length];
        for (int l = 0; l < features.Length; l++)
        {
            var ratio = g.Div(g.Cast(g.Shape(features[l], 2, 3), DataType.Float), maxHeight);
            log2Scales[l] = g.Round(g.Div(g.Log(ratio), ln2));                                // [1], e.g. −2 for P2
        }
        if (features.Length == 1)
            return Pool(g, features[0], boxes, imageIndex, log2Scales[0]);

        // Level of each box: floor(4 + log2(√area / 224) + 1e-6) clamped to [k_min, k_max], minus k_min.
        var area = g.Mul(g.Sub(g.Slice(boxes, 1, 2, 3), g.Slice(boxes, 1, 0, 1)), g.Sub(g.Slice(boxes, 1, 3, 4), g.Slice(boxes, 1, 1, 2)));
        var s = g.Sqrt(g.Reshape(area, -1));
        var target = g.Floor(g.Add(g.Add(g.Scalar((float)CanonicalLevel), g.Div(g.Log(g.Div(s, g.Scalar((float)CanonicalScale))), ln2)),
            g.Scalar((float)Eps)));
        var kMin = g.Neg(log2Scales[0]);
        var kMax = g.Neg(log2Scales[^1]);
        var level = g.Cast(g.Sub(g.Min(g.Max(target, kMin), kMax), kMin), DataType.Int64);

        var pooledShape = g.Concat(0, g.Shape(boxes, 0, 1), g.Shape(features[0], 1, 2), g.Ints(OutputSize, OutputSize));
        var result = g.Full(pooledShape, 0f);
        for (int l = 0; l < features.Length; l++)
        {
            var idx = g.Reshape(g.NonZero(g.Equal(level, g.Scalar((long)l))), -1);
            var pooled = Pool(g, features[l], g.Gather(boxes, idx), g.Gather(imageIndex, idx), log2Scales[l]);
            result = g.ScatterND(result, g.Unsqueeze(idx, 1), pooled);
        }
        return result;
    }

    /// <summary>
    /// RoiAlign at one level. The scale is a run-time power of two, so the boxes are multiplied by it (exactly) and
    /// RoiAlign runs with spatial_scale 1, which is what RoiAlign would compute with the scale as its attribute.
    /// </summary>
    private OnnxValue Pool(OnnxGraph g, OnnxValue feature, OnnxValue boxes, OnnxValue imageIndex, OnnxValue log2Scale)
    {
        var scale = g.Pow(g.Scalar(2f), log2Scale);
        return g.RoiAlign(feature, g.Mul(boxes, scale), imageIndex, OutputSize, SamplingRatio, 1f);
    }
}
