using Lumi.Models.Export;
using Lumi.Models.Ops;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Lumi.Models.Rpn;

public sealed partial class RegionProposalNetwork
{
    /// <summary>
    /// Proposals of the whole batch as a flat list, in eval mode (test settings): boxes [R, 4], the image of each
    /// [R] and its rank within its image [R] (0 = highest objectness), at most post_nms_top_n per image.
    /// Per level: decode, top-k with k = min(pre_nms_top_n, anchors of the level); then per image: clip to the
    /// image's own size, drop small and low-scoring boxes, NMS per image and level (images as NonMaxSuppression's
    /// batch, levels as its classes), keep the best post_nms_top_n.
    /// </summary>
    internal (OnnxValue Boxes, OnnxValue ImageIndex, OnnxValue Rank) EmitOnnx(OnnxGraph g, OnnxValue[] features, OnnxImageBatch batch, string name)
    {
        using var _ = g.Scope(name);
        var (objectness, deltas) = head.EmitOnnx(g, features, name + ".head");
        int levels = features.Length;
        var scores = new OnnxValue[levels];
        var boxes = new OnnxValue[levels];
        var levelIds = new OnnxValue[levels];
        var preNms = g.Ints(options.PreNmsTopN.Test);
        for (int l = 0; l < levels; l++)
        {
            var anchors = anchorGenerator.EmitLevel(g, l, batch.Images, features[l]);
            long a = anchorGenerator.NumAnchorsPerLocation;
            // [N, A, h, w] → [N, h·w·A], and [N, 4A, h, w] → [N, h·w·A, 4]: location-major, then anchor.
            var obj = g.Reshape(g.Transpose(g.Reshape(objectness[l], 0, a, -1), 0, 2, 1), 0, -1);
            var del = g.Reshape(g.Transpose(g.Reshape(deltas[l], 0, a, 4, -1), 0, 3, 1, 2), 0, -1, 4);
            var proposals = boxCoder.EmitDecode(g, del, anchors);                               // [N, h·w·A, 4]
            var k = g.Min(preNms, g.Shape(obj, 1, 2));
            var (top, idx) = g.TopK(obj, k, axis: 1, largest: true);
            scores[l] = top;
            boxes[l] = g.GatherND(proposals, g.Unsqueeze(idx, 2), batchDims: 1);              // [N, k, 4]
            levelIds[l] = g.Expand(g.Const(new[] { (long)l }), g.Shape(top, 0, 2));
        }
        var allBoxes = Boxes.EmitClip(g, g.Concat(1, boxes), g.Unsqueeze(batch.ClipLimits, 1));  // [N, K, 4]
        var probs = g.Sigmoid(g.Concat(1, scores));                                            // [N, K]
        var level = g.Concat(1, levelIds);                                                      // [N, K]
        var valid = g.And(Boxes.EmitLargeEnough(g, allBoxes, options.MinSize),
            g.GreaterOrEqual(probs, g.Scalar((float)options.ScoreThreshold)));

        // Scores [N, L, K]: a box's score in its own level's row, −1 (never selected) elsewhere and where invalid.
        var levelRows = g.Const(Enumerable.Range(0, levels).Select(i => (long)i).ToArray(), 1, levels, 1);
        var inRow = g.And(g.Unsqueeze(valid, 1), g.Equal(g.Unsqueeze(level, 1), levelRows));
        var nmsScores = g.Where(inRow, g.Unsqueeze(probs, 1), g.Scalar(-1f));
        int postNms = options.PostNmsTopN.Test;
        var selected = g.NonMaxSuppression(allBoxes, nmsScores, g.Ints(postNms),
            g.Const(new[] { (float)options.NmsThreshold }, 1), g.Const(new[] { -0.5f }, 1));  // [M, 3]
        var image = g.Reshape(g.Slice(selected, 1, 0, 1), -1);
        var selectedScores = g.GatherND(nmsScores, selected);
        var selectedBoxes = g.GatherND(allBoxes, g.Concat(1, g.Slice(selected, 1, 0, 1), g.Slice(selected, 1, 2, 3)));

        var (order, rank) = PerImageTopN.Select(g, image, selectedScores, batch.NumImages, g.Scalar((long)postNms));
        return (g.Gather(selectedBoxes, order), g.Gather(image, order), rank);
    }

    /// <summary>post_nms_top_n at test time: the most proposals per image.</summary>
    internal int MaxProposalsPerImage => options.PostNmsTopN.Test;
}
