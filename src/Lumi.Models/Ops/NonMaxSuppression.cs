using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Models.Ops;

/// <summary>
/// Non-maximum suppression with the exact results of <c>torchvision.ops.nms</c> and
/// <c>batched_nms</c>: scores sorted descending with a stable sort (ties keep their input order,
/// as torchvision's CPU kernel does), a box suppressed when its IoU with a kept, higher-ranked box
/// is strictly greater than the threshold, the IoU computed with the kernel's own float operations.
/// </summary>
/// <remarks>
/// The suppression matrix (upper triangle, in row chunks) is computed on the boxes' device and
/// copied to the host once per chunk; a single managed greedy pass over those bytes picks the
/// kept boxes. Nothing waits on the device once per box.
/// </remarks>
public static class NonMaxSuppression
{
    /// <summary>Upper bound on the elements of one chunk of the suppression matrix (64 Mi).</summary>
    private const long ChunkElements = 1L << 26;

    /// <summary>
    /// Indices (int64) of the boxes kept, in decreasing order of score.
    /// </summary>
    /// <param name="boxes"><c>[N, 4]</c> (x1, y1, x2, y2), float32 or float64 (half precision is computed in float32).</param>
    /// <param name="scores"><c>[N]</c> scores.</param>
    /// <param name="iouThreshold">Boxes whose IoU with a kept box is greater than this are discarded.</param>
    public static Tensor Nms(Tensor boxes, Tensor scores, double iouThreshold)
    {
        Boxes.CheckBoxes(boxes, nameof(boxes));
        if (scores.dim() != 1 || scores.shape[0] != boxes.shape[0])
            throw new ArgumentException($"scores must have shape [N] with N = {boxes.shape[0]} like boxes, got [{string.Join(", ", scores.shape)}].", nameof(scores));
        if (!boxes.is_floating_point())
            throw new ArgumentException($"boxes must be floating point, got {boxes.dtype}.", nameof(boxes));
        using var scope = torch.NewDisposeScope();
        long n = boxes.shape[0];
        var device = boxes.device;
        if (n == 0)
            return torch.empty(0, ScalarType.Int64, device).MoveToOuterDisposeScope();

        var b = boxes.dtype is ScalarType.Float32 or ScalarType.Float64 ? boxes : boxes.to(ScalarType.Float32);
        var order = scores.sort(0, descending: true, stable: true).Indices;
        var sorted = b.index_select(0, order);
        var x1 = sorted[.., 0].contiguous();
        var y1 = sorted[.., 1].contiguous();
        var x2 = sorted[.., 2].contiguous();
        var y2 = sorted[.., 3].contiguous();
        var areas = (x2 - x1) * (y2 - y1);
        double threshold = ThresholdFor(b.dtype, iouThreshold);

        long[] orderHost = order.cpu().data<long>().ToArray();
        var removed = new byte[n];
        var kept = new List<long>();

        // Row chunk [r0, r1) against columns [r0, n): only pairs j > i matter.
        long r0 = 0;
        while (r0 < n)
        {
            long cols = n - r0;
            long rows = Math.Max(1, Math.Min(n - r0, ChunkElements / cols));
            long r1 = r0 + rows;
            byte[] mask;
            using (torch.NewDisposeScope())
            {
                var ix1 = x1.narrow(0, r0, rows).unsqueeze(1);
                var iy1 = y1.narrow(0, r0, rows).unsqueeze(1);
                var ix2 = x2.narrow(0, r0, rows).unsqueeze(1);
                var iy2 = y2.narrow(0, r0, rows).unsqueeze(1);
                var iarea = areas.narrow(0, r0, rows).unsqueeze(1);
                var jx1 = x1.narrow(0, r0, cols);
                var jy1 = y1.narrow(0, r0, cols);
                var jx2 = x2.narrow(0, r0, cols);
                var jy2 = y2.narrow(0, r0, cols);
                var jarea = areas.narrow(0, r0, cols);
                // The kernel's operations, in its order: w = max(0, min(x2) - max(x1)), inter = w * h,
                // ovr = inter / (iarea + area_j - inter), suppressed when ovr > threshold.
                var w = (torch.minimum(ix2, jx2) - torch.maximum(ix1, jx1)).clamp_min(0);
                var h = (torch.minimum(iy2, jy2) - torch.maximum(iy1, jy1)).clamp_min(0);
                var inter = w * h;
                var ovr = inter / (iarea + jarea - inter);
                // A bool tensor holds one byte (0 or 1) per element.
                mask = ovr.gt(threshold).cpu().contiguous().bytes.ToArray();
            }
            for (long i = r0; i < r1; i++)
            {
                if (removed[i] != 0) continue;
                kept.Add(orderHost[i]);
                // Row i covers columns [r0, n); OR the part after i into the removed flags.
                long start = i + 1 - r0;
                var row = mask.AsSpan((int)((i - r0) * cols + start), (int)(cols - start));
                OrInto(removed.AsSpan((int)(i + 1)), row);
            }
            r0 = r1;
        }
        return torch.tensor(kept.ToArray(), ScalarType.Int64, device).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// NMS applied independently per category (<paramref name="idxs"/>, <c>[N]</c> integers): boxes of different
    /// categories never suppress each other. Uses torchvision's coordinate trick — each box is shifted by
    /// <c>idx * (max coordinate + 1)</c> so that categories cannot overlap — and returns kept indices (int64)
    /// in decreasing order of score.
    /// </summary>
    public static Tensor BatchedNms(Tensor boxes, Tensor scores, Tensor idxs, double iouThreshold)
    {
        Boxes.CheckBoxes(boxes, nameof(boxes));
        if (idxs.dim() != 1 || idxs.shape[0] != boxes.shape[0])
            throw new ArgumentException($"idxs must have shape [N] with N = {boxes.shape[0]} like boxes, got [{string.Join(", ", idxs.shape)}].", nameof(idxs));
        using var scope = torch.NewDisposeScope();
        if (boxes.numel() == 0)
            return torch.empty(0, ScalarType.Int64, boxes.device).MoveToOuterDisposeScope();
        var maxCoordinate = boxes.max();
        var one = torch.tensor(1, dtype: boxes.dtype, device: boxes.device);
        var offsets = idxs.to(boxes.dtype) * (maxCoordinate + one);
        var shifted = boxes + offsets[.., TensorIndex.None];
        return Nms(shifted, scores, iouThreshold).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The kernel compares the box-precision IoU with a double threshold. Comparing inside a float32 tensor
    /// op would round the threshold to float32 first, so use the float32 value t' with
    /// (ovr &gt; t') ⇔ (ovr &gt; threshold) for every float32 ovr.
    /// </summary>
    private static double ThresholdFor(ScalarType dtype, double threshold)
    {
        if (dtype != ScalarType.Float32) return threshold;
        float f = (float)threshold;
        if (f > threshold) f = MathF.BitDecrement(f);
        return f;
    }

    private static void OrInto(Span<byte> target, ReadOnlySpan<byte> source)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var t = MemoryMarshal.Cast<byte, Vector<byte>>(target[..source.Length]);
            var s = MemoryMarshal.Cast<byte, Vector<byte>>(source);
            for (int k = 0; k < t.Length; k++) t[k] |= s[k];
            i = t.Length * Vector<byte>.Count;
        }
        for (; i < source.Length; i++) target[i] |= source[i];
    }
}
