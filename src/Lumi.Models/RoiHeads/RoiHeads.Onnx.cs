using Lumi.Models.Export;
using Lumi.Models.Ops;

namespace Lumi.Models.RoiHeads;

public sealed partial class RoiHeads
{
    /// <summary>The run-time settings of the detection stage, as graph values (overridable inputs).</summary>
    internal sealed record OnnxSettings(OnnxValue ScoreThreshold, OnnxValue NmsThreshold, OnnxValue DetectionsPerImage, bool[] EmittedClasses);

    /// <summary>
    /// Final detections of the batch as ONNX values: boxes [D, 4], scores [D], labels [D] (1-based), image [D],
    /// ordered by image, then by decreasing score. Proposals come as a flat list with their image and their rank
    /// within it (&lt; <paramref name="slotsPerImage"/>). Mirrors <see cref="PostprocessDetections"/>: softmax,
    /// per-class decode, clip to the image, drop background, score threshold (strict), small boxes (1e-2),
    /// per-class NMS, best detections_per_image per image. NMS runs with (image, class) pairs as its batch
    /// dimension over a grid of <paramref name="slotsPerImage"/> proposal slots per image, so classes never mix
    /// and no coordinate offsets are needed.
    /// </summary>
    internal (OnnxValue Boxes, OnnxValue Scores, OnnxValue Labels, OnnxValue ImageIndex) EmitOnnx(
        OnnxGraph g, OnnxValue[] features, OnnxValue proposals, OnnxValue imageIndex, OnnxValue rank, int slotsPerImage,
        OnnxImageBatch batch, OnnxSettings settings, string name)
    {
        using var _ = g.Scope(name);
        var pooled = boxRoiPool.EmitOnnx(g, features, proposals, imageIndex, batch);
        var (classLogits, boxRegression) = box_predictor.EmitOnnx(g, box_head.EmitOnnx(g, pooled, name + ".box_head"), name + ".box_predictor");

        long numClasses = settings.EmittedClasses.Length;                                           // foreground K
        var probs = g.Softmax(classLogits, -1);                                                   // [R, K+1]
        var decoded = boxCoder.EmitDecode(g, g.Reshape(boxRegression, 0, -1, 4), g.Unsqueeze(proposals, 1)); // [R, K+1, 4]
        decoded = Boxes.EmitClip(g, decoded, g.Unsqueeze(g.Gather(batch.ClipLimits, imageIndex), 1));
        var boxes = g.Slice(decoded, 1, 1, numClasses + 1);                                       // [R, K, 4], background dropped
        var scores = g.Slice(probs, 1, 1, numClasses + 1);                                        // [R, K]
        var valid = g.And(g.Greater(scores, settings.ScoreThreshold), Boxes.EmitLargeEnough(g, boxes, 1e-2));
        if (settings.EmittedClasses.Any(e => !e))
            valid = g.And(valid, g.Const(settings.EmittedClasses, 1, numClasses));
        var masked = g.Where(valid, scores, g.Scalar(-1f));

        // Grid of slots: proposal r of image i sits in slot i·P + rank; empty slots score −1 (never selected).
        long p = slotsPerImage;
        var slot = g.Unsqueeze(g.Add(g.Mul(imageIndex, g.Scalar(p)), rank), 1);                  // [R, 1]
        var slots = g.Mul(batch.NumImages, g.Scalar(p));
        var slotCount = g.Unsqueeze(slots, 0);
        var boxGrid = g.ScatterND(g.Full(g.Concat(0, slotCount, g.Ints(numClasses, 4)), 0f), slot, boxes);   // [N·P, K, 4]
        var scoreGrid = g.ScatterND(g.Full(g.Concat(0, slotCount, g.Ints(numClasses)), -1f), slot, masked);   // [N·P, K]
        boxGrid = g.Reshape(g.Transpose(g.Reshape(boxGrid, -1, p, numClasses, 4), 0, 2, 1, 3), -1, p, 4);     // [N·K, P, 4]
        scoreGrid = g.Reshape(g.Transpose(g.Reshape(scoreGrid, -1, p, numClasses), 0, 2, 1), -1, 1, p);      // [N·K, 1, P]

        var selected = g.NonMaxSuppression(boxGrid, scoreGrid, g.Reshape(settings.DetectionsPerImage, 1),
            g.Reshape(settings.NmsThreshold, 1), g.Const(new[] { -0.5f }, 1));                       // [M, 3]
        var pair = g.Reshape(g.Slice(selected, 1, 0, 1), -1);
        var k = g.Scalar(numClasses);
        var image = g.Div(pair, k);
        var labels = g.Add(g.Mod(pair, k), g.Scalar(1L));
        var selectedScores = g.GatherND(scoreGrid, selected);
        var selectedBoxes = g.GatherND(boxGrid, g.Concat(1, g.Slice(selected, 1, 0, 1), g.Slice(selected, 1, 2, 3)));

        var (order, _) = PerImageTopN.Select(g, image, selectedScores, batch.NumImages, settings.DetectionsPerImage);
        return (g.Gather(selectedBoxes, order), g.Gather(selectedScores, order), g.Gather(labels, order), g.Gather(image, order));
    }
}
