using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Models.Ops;

/// <summary>
/// Non-maximum suppression with the exact results of <c>torchvision.ops.nms</c> and
/// <c>batched_nms</c>: scores sorted descending with a stable sort (ties keep their input order,
/// as torchvision's CPU kernel does), a box suppressed when its IoU with a kept, higher-ranked box
/// is strictly greater than the threshold, the IoU computed with the kernel's own float operations
/// (<c>w = max(0, min(x2) - max(x1))</c>, <c>inter = w·h</c>, <c>inter / (area_i + area_j - inter)</c>).
/// </summary>
/// <remarks>
/// Nothing waits on the device once per box. Boxes on the CPU are copied once (sorted) into managed
/// arrays and one SIMD greedy pass does torchvision's O(N·kept) work. Boxes on another device get their
/// suppression matrix (upper triangle, in row chunks) computed there, copied back once per chunk as bytes,
/// and one managed greedy pass over those bytes picks the kept boxes.
/// </remarks>
public static class NonMaxSuppression
{
    /// <summary>
    /// Upper bound on the elements of one chunk of the suppression matrix: large on an accelerator, small on the
    /// CPU (where the matrix path runs only when forced) so that temporaries are reused rather than mapped afresh.
    /// </summary>
    private static long ChunkElements(Device device) => device.type == DeviceType.CPU ? 1L << 20 : 1L << 24;

    /// <summary>Which implementation runs; <see cref="Auto"/> picks by device. Tests force the others.</summary>
    internal enum Strategy { Auto, HostGreedy, DeviceMatrix }

    /// <summary>
    /// Indices (int64) of the boxes kept, in decreasing order of score.
    /// </summary>
    /// <param name="boxes"><c>[N, 4]</c> (x1, y1, x2, y2), float32 or float64 (half precision is computed in float32).</param>
    /// <param name="scores"><c>[N]</c> scores.</param>
    /// <param name="iouThreshold">Boxes whose IoU with a kept box is greater than this are discarded.</param>
    public static Tensor Nms(Tensor boxes, Tensor scores, double iouThreshold) => Nms(boxes, scores, iouThreshold, Strategy.Auto);

    internal static Tensor Nms(Tensor boxes, Tensor scores, double iouThreshold, Strategy strategy)
    {
        Boxes.CheckBoxes(boxes, nameof(boxes));
        if (scores.dim() != 1 || scores.shape[0] != boxes.shape[0])
            throw new ArgumentException($"scores must have shape [N] with N = {boxes.shape[0]} like boxes, got [{string.Join(", ", scores.shape)}].", nameof(scores));
        if (!boxes.is_floating_point())
            throw new ArgumentException($"boxes must be floating point, got {boxes.dtype}.", nameof(boxes));
        using var scope = torch.NewDisposeScope();
        var device = boxes.device;
        if (boxes.shape[0] == 0)
            return torch.empty(0, ScalarType.Int64, device).MoveToOuterDisposeScope();

        var b = boxes.dtype is ScalarType.Float32 or ScalarType.Float64 ? boxes : boxes.to(ScalarType.Float32);
        var order = scores.sort(0, descending: true, stable: true).Indices;
        var sorted = b.index_select(0, order).contiguous();
        if (strategy == Strategy.Auto)
            strategy = device.type == DeviceType.CPU ? Strategy.HostGreedy : Strategy.DeviceMatrix;

        long[] kept = strategy == Strategy.HostGreedy ? GreedyOnHost(sorted, iouThreshold) : GreedyOverDeviceMatrix(sorted, iouThreshold);
        var positions = torch.tensor(kept, ScalarType.Int64, device);
        return order.index_select(0, positions).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// NMS applied independently per category (<paramref name="idxs"/>, <c>[N]</c> integers): boxes of different
    /// categories never suppress each other. Uses torchvision's coordinate trick — each box is shifted by
    /// <c>idx * (max coordinate + 1)</c> so that categories cannot overlap — and returns kept indices (int64)
    /// in decreasing order of score.
    /// </summary>
    public static Tensor BatchedNms(Tensor boxes, Tensor scores, Tensor idxs, double iouThreshold) =>
        BatchedNms(boxes, scores, idxs, iouThreshold, Strategy.Auto);

    internal static Tensor BatchedNms(Tensor boxes, Tensor scores, Tensor idxs, double iouThreshold, Strategy strategy)
    {
        Boxes.CheckBoxes(boxes, nameof(boxes));
        if (idxs.dim() != 1 || idxs.shape[0] != boxes.shape[0])
            throw new ArgumentException($"idxs must have shape [N] with N = {boxes.shape[0]} like boxes, got [{string.Join(", ", idxs.shape)}].", nameof(idxs));
        using var scope = torch.NewDisposeScope();
        if (boxes.numel() == 0)
            return torch.empty(0, ScalarType.Int64, boxes.device).MoveToOuterDisposeScope();
        if (boxes.shape[0] > PerCategoryAbove && boxes.device.type == DeviceType.CPU)
            return PerCategory(boxes, scores, idxs, iouThreshold, strategy).MoveToOuterDisposeScope();
        var maxCoordinate = boxes.max();
        var one = torch.tensor(1, dtype: boxes.dtype, device: boxes.device);
        var offsets = idxs.to(boxes.dtype) * (maxCoordinate + one);
        var shifted = boxes + offsets[.., TensorIndex.None];
        return Nms(shifted, scores, iouThreshold, strategy).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Above this many boxes on the CPU, torchvision's <c>batched_nms</c> runs NMS once per category instead of
    /// the coordinate trick (<c>boxes.numel() &gt; 4000</c>); so does Lumi, so that float32 IoUs are computed on
    /// the same, unshifted coordinates.
    /// </summary>
    internal const long PerCategoryAbove = 1000;

    /// <summary>NMS within each category, then all kept indices by decreasing score (torchvision's _batched_nms_vanilla).</summary>
    private static Tensor PerCategory(Tensor boxes, Tensor scores, Tensor idxs, double iouThreshold, Strategy strategy)
    {
        var keep = torch.zeros(boxes.shape[0], ScalarType.Bool, boxes.device);
        var categories = idxs.to(ScalarType.Int64).unique().Item1.data<long>().ToArray();
        foreach (long category in categories)
        {
            using var inner = torch.NewDisposeScope();
            var members = idxs.eq(category).nonzero().squeeze(1);
            var kept = Nms(boxes.index_select(0, members), scores.index_select(0, members), iouThreshold, strategy);
            keep.index_fill_(0, members.index_select(0, kept), true);
        }
        var indices = keep.nonzero().squeeze(1);
        var order = scores.index_select(0, indices).sort(0, descending: true, stable: true).Indices;
        return indices.index_select(0, order);
    }

    // ------------------------------------------------------------------ host: torchvision's CPU kernel, SIMD

    private static long[] GreedyOnHost(Tensor sorted, double threshold)
    {
        using var host = sorted.cpu();
        if (host.dtype == ScalarType.Float32)
            return Greedy(host.data<float>().ToArray(), (float)ThresholdFor(ScalarType.Float32, threshold));
        return Greedy(host.data<double>().ToArray(), threshold);
    }

    /// <summary>Greedy pass over boxes already sorted by score, laid out as rows of (x1, y1, x2, y2).</summary>
    private static long[] Greedy<T>(T[] rows, T threshold) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = rows.Length / 4;
        T[] x1 = new T[n], y1 = new T[n], x2 = new T[n], y2 = new T[n], area = new T[n];
        for (int i = 0; i < n; i++)
        {
            x1[i] = rows[4 * i]; y1[i] = rows[4 * i + 1]; x2[i] = rows[4 * i + 2]; y2[i] = rows[4 * i + 3];
            area[i] = (x2[i] - x1[i]) * (y2[i] - y1[i]);
        }
        // All bits set (a NaN pattern) where suppressed, +0 where not: lets SIMD compares OR straight in.
        var suppressed = new T[n];
        var kept = new List<long>();
        int lanes = Vector<T>.Count;
        var vThreshold = new Vector<T>(threshold);
        for (int i = 0; i < n; i++)
        {
            if (T.IsNaN(suppressed[i])) continue;
            kept.Add(i);
            T ix1 = x1[i], iy1 = y1[i], ix2 = x2[i], iy2 = y2[i], iarea = area[i];
            int j = i + 1;
            if (Vector.IsHardwareAccelerated && n - j >= lanes)
            {
                Vector<T> vx1 = new(ix1), vy1 = new(iy1), vx2 = new(ix2), vy2 = new(iy2), varea = new(iarea);
                var sup = MemoryMarshal.Cast<T, Vector<T>>(suppressed.AsSpan(j, (n - j) / lanes * lanes));
                for (int v = 0; v < sup.Length; v++, j += lanes)
                {
                    var xx1 = Vector.Max(vx1, new Vector<T>(x1, j));
                    var yy1 = Vector.Max(vy1, new Vector<T>(y1, j));
                    var xx2 = Vector.Min(vx2, new Vector<T>(x2, j));
                    var yy2 = Vector.Min(vy2, new Vector<T>(y2, j));
                    var w = Vector.Max(Vector<T>.Zero, xx2 - xx1);
                    var h = Vector.Max(Vector<T>.Zero, yy2 - yy1);
                    var inter = w * h;
                    var ovr = inter / (varea + new Vector<T>(area, j) - inter);
                    sup[v] |= Vector.GreaterThan(ovr, vThreshold);
                }
            }
            for (; j < n; j++)
            {
                T xx1 = T.Max(ix1, x1[j]), yy1 = T.Max(iy1, y1[j]);
                T xx2 = T.Min(ix2, x2[j]), yy2 = T.Min(iy2, y2[j]);
                T w = xx2 - xx1 > T.Zero ? xx2 - xx1 : T.Zero;
                T h = yy2 - yy1 > T.Zero ? yy2 - yy1 : T.Zero;
                T inter = w * h;
                T ovr = inter / (iarea + area[j] - inter);
                if (ovr > threshold) suppressed[j] = T.NaN;
            }
        }
        return kept.ToArray();
    }

    // ------------------------------------------------------------------ device: suppression matrix in chunks

    private static long[] GreedyOverDeviceMatrix(Tensor sorted, double iouThreshold)
    {
        long n = sorted.shape[0];
        var x1 = sorted[.., 0].contiguous();
        var y1 = sorted[.., 1].contiguous();
        var x2 = sorted[.., 2].contiguous();
        var y2 = sorted[.., 3].contiguous();
        var areas = (x2 - x1) * (y2 - y1);
        double threshold = ThresholdFor(sorted.dtype, iouThreshold);
        long chunkElements = ChunkElements(sorted.device);

        var removed = new byte[n];
        var kept = new List<long>();
        // Row chunk [r0, r1) against columns [r0, n): only pairs j > i matter.
        long r0 = 0;
        while (r0 < n)
        {
            long cols = n - r0;
            long rows = Math.Max(1, Math.Min(n - r0, chunkElements / cols));
            long r1 = r0 + rows;
            byte[] mask;
            using (torch.NewDisposeScope())
            {
                var ix1 = x1.narrow(0, r0, rows).unsqueeze(1);
                var iy1 = y1.narrow(0, r0, rows).unsqueeze(1);
                var ix2 = x2.narrow(0, r0, rows).unsqueeze(1);
                var iy2 = y2.narrow(0, r0, rows).unsqueeze(1);
                var iarea = areas.narrow(0, r0, rows).unsqueeze(1);
                var w = (torch.minimum(ix2, x2.narrow(0, r0, cols)) - torch.maximum(ix1, x1.narrow(0, r0, cols))).clamp_min(0);
                var h = (torch.minimum(iy2, y2.narrow(0, r0, cols)) - torch.maximum(iy1, y1.narrow(0, r0, cols))).clamp_min(0);
                var inter = w * h;
                var ovr = inter / (iarea + areas.narrow(0, r0, cols) - inter);
                // A bool tensor holds one byte (0 or 1) per element.
                mask = ovr.gt(threshold).cpu().contiguous().bytes.ToArray();
            }
            for (long i = r0; i < r1; i++)
            {
                if (removed[i] != 0) continue;
                kept.Add(i);
                // Row i covers columns [r0, n); OR the part after i into the removed flags.
                long start = i + 1 - r0;
                var row = mask.AsSpan((int)((i - r0) * cols + start), (int)(cols - start));
                OrInto(removed.AsSpan((int)(i + 1)), row);
            }
            r0 = r1;
        }
        return kept.ToArray();
    }

    /// <summary>
    /// The kernel compares the box-precision IoU with a double threshold. A float32 comparison would round the
    /// threshold to float32 first, so use the float32 value t' with (ovr &gt; t') ⇔ (ovr &gt; threshold) for every
    /// float32 ovr: the threshold rounded down to float32.
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
            int whole = source.Length / Vector<byte>.Count * Vector<byte>.Count;
            var t = MemoryMarshal.Cast<byte, Vector<byte>>(target[..whole]);
            var s = MemoryMarshal.Cast<byte, Vector<byte>>(source[..whole]);
            for (int k = 0; k < t.Length; k++) t[k] |= s[k];
            i = whole;
        }
        for (; i < source.Length; i++) target[i] |= source[i];
    }
}
