using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Models.Ops;

/// <summary>
/// Encodes boxes as regression targets relative to reference boxes and decodes them back,
/// exactly as torchvision's <c>det_utils.BoxCoder</c> (<c>encode_single</c>/<c>decode_single</c>):
/// widths without "+1", centres at <c>x1 + 0.5 w</c>, <c>dw</c>/<c>dh</c> clamped at
/// <see cref="BboxXformClip"/> before the exponential.
/// </summary>
public sealed partial class BoxCoder
{
    /// <summary>torchvision's default clamp for <c>dw</c>/<c>dh</c>: <c>log(1000 / 16)</c>.</summary>
    public static readonly double DefaultBboxXformClip = Math.Log(1000.0 / 16);

    public BoxCoder(double wx, double wy, double ww, double wh, double? bboxXformClip = null)
    {
        foreach (var (name, value) in new[] { ("wx", wx), ("wy", wy), ("ww", ww), ("wh", wh) })
            if (!(value > 0) || double.IsInfinity(value))
                throw new ArgumentOutOfRangeException(name, $"box coder weights must be positive and finite, got {name} = {value}.");
        Weights = (wx, wy, ww, wh);
        BboxXformClip = bboxXformClip ?? DefaultBboxXformClip;
    }

    /// <summary>Weights for (dx, dy, dw, dh): (1, 1, 1, 1) in the RPN, (10, 10, 5, 5) in the box head.</summary>
    public (double Wx, double Wy, double Ww, double Wh) Weights { get; }

    public double BboxXformClip { get; }

    /// <summary>
    /// Regression targets <c>[N, 4]</c> that turn each of <paramref name="proposals"/> into the
    /// matching one of <paramref name="referenceBoxes"/> (both <c>[N, 4]</c>), in the references' dtype.
    /// </summary>
    public Tensor Encode(Tensor referenceBoxes, Tensor proposals)
    {
        Boxes.CheckBoxes(referenceBoxes, nameof(referenceBoxes));
        Boxes.CheckBoxes(proposals, nameof(proposals));
        if (referenceBoxes.shape[0] != proposals.shape[0])
            throw new ArgumentException($"referenceBoxes and proposals must have the same number of rows, got {referenceBoxes.shape[0]} and {proposals.shape[0]}.");
        using var scope = torch.NewDisposeScope();
        var dtype = referenceBoxes.dtype;
        var device = referenceBoxes.device;
        // torchvision turns the weights into a tensor of the references' dtype, then multiplies by its elements.
        var w = torch.tensor(new[] { Weights.Wx, Weights.Wy, Weights.Ww, Weights.Wh }, dtype: dtype, device: device);

        var px1 = proposals[.., 0].unsqueeze(1);
        var py1 = proposals[.., 1].unsqueeze(1);
        var px2 = proposals[.., 2].unsqueeze(1);
        var py2 = proposals[.., 3].unsqueeze(1);
        var rx1 = referenceBoxes[.., 0].unsqueeze(1);
        var ry1 = referenceBoxes[.., 1].unsqueeze(1);
        var rx2 = referenceBoxes[.., 2].unsqueeze(1);
        var ry2 = referenceBoxes[.., 3].unsqueeze(1);

        var exWidths = px2 - px1;
        var exHeights = py2 - py1;
        var exCtrX = px1 + 0.5 * exWidths;
        var exCtrY = py1 + 0.5 * exHeights;

        var gtWidths = rx2 - rx1;
        var gtHeights = ry2 - ry1;
        var gtCtrX = rx1 + 0.5 * gtWidths;
        var gtCtrY = ry1 + 0.5 * gtHeights;

        var dx = w[0] * (gtCtrX - exCtrX) / exWidths;
        var dy = w[1] * (gtCtrY - exCtrY) / exHeights;
        var dw = w[2] * torch.log(gtWidths / exWidths);
        var dh = w[3] * torch.log(gtHeights / exHeights);
        return torch.cat(new[] { dx, dy, dw, dh }, 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Applies <paramref name="relCodes"/> <c>[N, 4k]</c> (k sets of deltas per box, e.g. one per class)
    /// to <paramref name="boxes"/> <c>[N, 4]</c> and returns <c>[N, 4k]</c> boxes in the codes' dtype.
    /// </summary>
    public Tensor Decode(Tensor relCodes, Tensor boxes)
    {
        Boxes.CheckBoxes(boxes, nameof(boxes));
        if (relCodes.dim() != 2 || relCodes.shape[1] % 4 != 0 || relCodes.shape[0] != boxes.shape[0])
            throw new ArgumentException(
                $"relCodes must have shape [N, 4k] with N = {boxes.shape[0]} rows like boxes, got [{string.Join(", ", relCodes.shape)}].",
                nameof(relCodes));
        using var scope = torch.NewDisposeScope();
        var b = boxes.to(relCodes.dtype);

        var widths = b[.., 2] - b[.., 0];
        var heights = b[.., 3] - b[.., 1];
        var ctrX = b[.., 0] + 0.5 * widths;
        var ctrY = b[.., 1] + 0.5 * heights;

        var dx = relCodes[.., TensorIndex.Slice(0, null, 4)] / Weights.Wx;
        var dy = relCodes[.., TensorIndex.Slice(1, null, 4)] / Weights.Wy;
        var dw = relCodes[.., TensorIndex.Slice(2, null, 4)] / Weights.Ww;
        var dh = relCodes[.., TensorIndex.Slice(3, null, 4)] / Weights.Wh;

        // Keep torch.exp() away from overflow.
        dw = dw.clamp_max(BboxXformClip);
        dh = dh.clamp_max(BboxXformClip);

        var predCtrX = dx * widths[.., TensorIndex.None] + ctrX[.., TensorIndex.None];
        var predCtrY = dy * heights[.., TensorIndex.None] + ctrY[.., TensorIndex.None];
        var predW = torch.exp(dw) * widths[.., TensorIndex.None];
        var predH = torch.exp(dh) * heights[.., TensorIndex.None];

        // Distance from the centre to a corner: a 0.5 tensor of the codes' dtype, as torchvision writes it.
        var half = torch.tensor(0.5, dtype: predCtrY.dtype, device: predH.device);
        var cToCH = half * predH;
        var cToCW = half * predW;

        var pred = torch.stack(new[] { predCtrX - cToCW, predCtrY - cToCH, predCtrX + cToCW, predCtrY + cToCH }, 2).flatten(1);
        return pred.MoveToOuterDisposeScope();
    }
}
