using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Models.Ops;

/// <summary>
/// RoIAlign (Mask R-CNN's average-pooling variant) with the results of <c>torchvision.ops.roi_align</c>,
/// built from TorchSharp tensor ops so that autograd carries gradients back to the input features.
/// </summary>
/// <remarks>
/// Every output bin averages <c>gh × gw</c> bilinear samples; each sample reads four feature-map cells.
/// The sample positions and weights are computed for all RoIs at once with torchvision's border rules
/// (a sample with y &lt; -1 or y &gt; H contributes 0; y ≤ 0 reads row 0; y at or beyond row H-1 reads row
/// H-1; likewise for x). The features are read as rows of a <c>[N·H·W, C]</c> view and blended with their
/// weights by <see cref="WeightedRowSum"/>, a custom autograd function that gathers in small chunks and
/// accumulates the input gradient with one <c>index_add_</c> per chunk into a single buffer, so memory
/// stays bounded and no RoI is handled by a host loop. With an adaptive sampling ratio the RoIs are grouped by grid size (one host copy of the sizes).
/// RoI coordinates get no gradient, as in torchvision.
/// </remarks>
public static class RoiAlign
{
    /// <summary>Upper bound on the taps (sample corners, each an index and a weight) built at once.</summary>
    private const long ChunkTaps = 1L << 22;

    /// <summary>
    /// Pools <paramref name="rois"/> from <paramref name="input"/>.
    /// </summary>
    /// <param name="input">Features <c>[N, C, H, W]</c>, float32 or float64.</param>
    /// <param name="rois"><c>[K, 5]</c>: (batch index, x1, y1, x2, y2) in input-image coordinates, same dtype and device as the input.</param>
    /// <param name="outputSize">Bins per RoI, (height, width); Faster R-CNN uses (7, 7).</param>
    /// <param name="spatialScale">Maps RoI coordinates onto the feature map (1/stride, e.g. 0.25 for P2).</param>
    /// <param name="samplingRatio">Samples per bin side; 0 or less means adaptive, <c>ceil(roi side / bins)</c>.</param>
    /// <param name="aligned">Shift the RoI by -0.5 pixel (Detectron2); false is torchvision's Faster R-CNN.</param>
    /// <returns><c>[K, C, outputHeight, outputWidth]</c>.</returns>
    public static Tensor Apply(Tensor input, Tensor rois, (int Height, int Width) outputSize, double spatialScale, int samplingRatio, bool aligned = false)
    {
        if (input.dim() != 4)
            throw new ArgumentException($"input must have shape [N, C, H, W], got [{string.Join(", ", input.shape)}].", nameof(input));
        if (rois.dim() != 2 || rois.shape[1] != 5)
            throw new ArgumentException($"rois must have shape [K, 5] (batch index, x1, y1, x2, y2), got [{string.Join(", ", rois.shape)}].", nameof(rois));
        if (input.dtype is not (ScalarType.Float32 or ScalarType.Float64))
            throw new ArgumentException($"input must be float32 or float64, got {input.dtype}.", nameof(input));
        if (rois.dtype != input.dtype)
            throw new ArgumentException($"rois must have the input's dtype {input.dtype}, got {rois.dtype}.", nameof(rois));
        if (rois.device.type != input.device.type || rois.device.index != input.device.index)
            throw new ArgumentException($"rois must be on the input's device {input.device}, got {rois.device}.", nameof(rois));
        if (outputSize.Height <= 0 || outputSize.Width <= 0)
            throw new ArgumentOutOfRangeException(nameof(outputSize), $"outputSize must be positive, got ({outputSize.Height}, {outputSize.Width}).");

        using var scope = torch.NewDisposeScope();
        long n = input.shape[0], c = input.shape[1], height = input.shape[2], width = input.shape[3];
        long k = rois.shape[0];
        int ph = outputSize.Height, pw = outputSize.Width;
        var dtype = input.dtype;
        var device = input.device;
        if (k == 0 || c == 0)
            return torch.zeros(new[] { k, c, (long)ph, (long)pw }, dtype, device).MoveToOuterDisposeScope();

        // Feature rows: [N*H*W, C], row (n*H + y)*W + x.
        var flat = input.permute(0, 2, 3, 1).reshape(n * height * width, c);

        var r = rois.detach();
        double offset = aligned ? 0.5 : 0.0;
        var geometry = new Geometry
        {
            Base = r[.., 0].to(ScalarType.Int64) * (height * width),
            StartW = r[.., 1] * spatialScale - offset,
            StartH = r[.., 2] * spatialScale - offset,
        };
        var roiWidth = r[.., 3] * spatialScale - offset - geometry.StartW;
        var roiHeight = r[.., 4] * spatialScale - offset - geometry.StartH;
        if (!aligned)
        {
            // Malformed RoIs are forced to 1x1.
            roiWidth = roiWidth.clamp_min(1.0);
            roiHeight = roiHeight.clamp_min(1.0);
        }
        geometry.BinH = roiHeight / (double)ph;
        geometry.BinW = roiWidth / (double)pw;

        Tensor pooled; // [K, ph, pw, C]
        if (samplingRatio > 0)
        {
            pooled = PoolGroup(flat, geometry, height, width, ph, pw, samplingRatio, samplingRatio);
        }
        else
        {
            // Adaptive grid: ceil(roi side / bins) per RoI. Group the RoIs by grid size (one host copy).
            var gridH = torch.ceil(roiHeight / (double)ph).to(ScalarType.Int64);
            var gridW = torch.ceil(roiWidth / (double)pw).to(ScalarType.Int64);
            long[] gh = gridH.cpu().data<long>().ToArray();
            long[] gw = gridW.cpu().data<long>().ToArray();
            var groups = Enumerable.Range(0, (int)k).GroupBy(i => (gh[i], gw[i])).ToList();
            var parts = new List<Tensor>();
            var order = new List<long>();
            foreach (var group in groups)
            {
                long[] members = group.Select(i => (long)i).ToArray();
                var idx = torch.tensor(members, ScalarType.Int64, device);
                var sub = geometry.Select(idx);
                var (gridRows, gridCols) = group.Key;
                parts.Add(gridRows <= 0 || gridCols <= 0
                    ? torch.zeros(new[] { members.LongLength, (long)ph, (long)pw, c }, dtype, device)
                    : PoolGroup(flat, sub, height, width, ph, pw, gridRows, gridCols));
                order.AddRange(members);
            }
            pooled = parts.Count == 1 ? parts[0] : torch.cat(parts, 0);
            if (groups.Count > 1)
            {
                // Back to the RoIs' order: position of RoI i in the concatenation.
                var inverse = new long[k];
                for (int p = 0; p < order.Count; p++) inverse[order[p]] = p;
                pooled = pooled.index_select(0, torch.tensor(inverse, ScalarType.Int64, device));
            }
        }
        return pooled.permute(0, 3, 1, 2).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Per-RoI quantities, each <c>[K]</c>: feature-row offset of its image, start corner, bin size.</summary>
    private sealed class Geometry
    {
        public required Tensor Base;
        public required Tensor StartW;
        public required Tensor StartH;
        public Tensor BinH = null!;
        public Tensor BinW = null!;

        public long Count => Base.shape[0];

        public Geometry Select(Tensor idx) => new()
        {
            Base = Base.index_select(0, idx),
            StartW = StartW.index_select(0, idx),
            StartH = StartH.index_select(0, idx),
            BinH = BinH.index_select(0, idx),
            BinW = BinW.index_select(0, idx),
        };

        public Geometry Narrow(long start, long length) => new()
        {
            Base = Base.narrow(0, start, length),
            StartW = StartW.narrow(0, start, length),
            StartH = StartH.narrow(0, start, length),
            BinH = BinH.narrow(0, start, length),
            BinW = BinW.narrow(0, start, length),
        };
    }

    /// <summary>Pools RoIs that share one sampling grid (gridH × gridW per bin). Returns <c>[K, ph, pw, C]</c>.</summary>
    private static Tensor PoolGroup(Tensor flat, Geometry g, long height, long width, int ph, int pw, long gridH, long gridW)
    {
        long c = flat.shape[1];
        long k = g.Count;
        long bins = (long)ph * pw;
        // Split the sample rows into blocks, then the RoIs into chunks, so that at most ChunkTaps taps exist at once
        // (one chunk for sampling ratio 2 and up to ~5000 RoIs).
        long perSampleRow = bins * gridW * 4;
        long rowsPerBlock = Math.Clamp(ChunkTaps / Math.Max(perSampleRow, 1), 1, gridH);
        long roisPerChunk = Math.Clamp(ChunkTaps / Math.Max(perSampleRow * rowsPerBlock, 1), 1, k);

        var chunks = new List<Tensor>();
        for (long r0 = 0; r0 < k; r0 += roisPerChunk)
        {
            long kc = Math.Min(roisPerChunk, k - r0);
            var gc = g.Narrow(r0, kc);
            var xs = SampleCoordinates(gc.StartW, gc.BinW, pw, gridW, 0, gridW);   // [kc, pw, gridW]
            var (xLow, xHigh, lx, hx, vx) = Interpolation(xs, width);
            Tensor? sum = null;
            for (long i0 = 0; i0 < gridH; i0 += rowsPerBlock)
            {
                long nb = Math.Min(rowsPerBlock, gridH - i0);
                var ys = SampleCoordinates(gc.StartH, gc.BinH, ph, gridH, i0, nb); // [kc, ph, nb]
                var (yLow, yHigh, ly, hy, vy) = Interpolation(ys, height);
                var part = Gather(flat, gc.Base, width,
                    (yLow, yHigh, ly, hy, vy), (xLow, xHigh, lx, hx, vx), kc, ph, pw, nb, gridW);
                sum = sum is null ? part : sum + part;
            }
            chunks.Add(sum!);
        }
        var pooled = chunks.Count == 1 ? chunks[0] : torch.cat(chunks, 0); // [K, ph*pw, C]
        double count = Math.Max(gridH * gridW, 1);
        return (pooled / count).view(k, ph, pw, c);
    }

    /// <summary>
    /// Sample positions along one axis, <c>[K, bins, rows]</c> for sample indices <c>first .. first+rows-1</c>:
    /// <c>start + p·bin + (i + 0.5)·bin / grid</c>, grouped as torchvision's kernel groups it.
    /// </summary>
    private static Tensor SampleCoordinates(Tensor start, Tensor bin, int bins, long grid, long first, long rows)
    {
        var dtype = start.dtype;
        var device = start.device;
        var p = torch.arange(0, bins, 1, dtype, device);
        var i = torch.arange(first, first + rows, 1, dtype, device) + 0.5;
        var binStart = start[.., TensorIndex.None] + p[TensorIndex.None, ..] * bin[.., TensorIndex.None]; // [K, bins]
        var within = i[TensorIndex.None, ..] * bin[.., TensorIndex.None] / (double)grid;               // [K, rows]
        return binStart[.., .., TensorIndex.None] + within[.., TensorIndex.None, ..];
    }

    /// <summary>torchvision's bilinear border rules along one axis of length <paramref name="size"/>.</summary>
    private static (Tensor Low, Tensor High, Tensor L, Tensor H, Tensor Valid) Interpolation(Tensor coord, long size)
    {
        var valid = coord.ge(-1.0).logical_and(coord.le((double)size));
        var y = coord.clamp_min(0.0);
        var low = y.to(ScalarType.Int64);
        var atEnd = low.ge(size - 1);
        var last = torch.full(new long[] { 1 }, size - 1, ScalarType.Int64, coord.device);
        low = torch.where(atEnd, last, low);
        var high = torch.where(atEnd, last, low + 1);
        y = torch.where(atEnd, low.to(coord.dtype), y);
        var l = y - low.to(coord.dtype);
        var h = 1.0 - l;
        return (low, high, l, h, valid);
    }

    /// <summary>Weighted sum of the four neighbours of every sample of every bin: <c>[kc, ph*pw, C]</c> (not yet averaged).</summary>
    private static Tensor Gather(Tensor flat, Tensor rowBase, long width,
        (Tensor Low, Tensor High, Tensor L, Tensor H, Tensor Valid) y,
        (Tensor Low, Tensor High, Tensor L, Tensor H, Tensor Valid) x,
        long kc, int ph, int pw, long gridRows, long gridCols)
    {
        long c = flat.shape[1];
        // y terms: [kc, ph, 1, rows, 1]; x terms: [kc, 1, pw, 1, cols].
        Tensor Y(Tensor t) => t.view(kc, ph, 1, gridRows, 1);
        Tensor X(Tensor t) => t.view(kc, 1, pw, 1, gridCols);
        var b = rowBase.view(kc, 1, 1, 1, 1);
        var yl = b + Y(y.Low) * width;
        var yh = b + Y(y.High) * width;
        var xl = X(x.Low);
        var xh = X(x.High);
        var index = torch.stack(new[] { yl + xl, yl + xh, yh + xl, yh + xh }, -1);    // [kc, ph, pw, rows, cols, 4]
        var valid = Y(y.Valid).logical_and(X(x.Valid)).to(flat.dtype);
        var hy = Y(y.H); var ly = Y(y.L); var hx = X(x.H); var lx = X(x.L);
        var weight = torch.stack(new[] { hy * hx, hy * lx, ly * hx, ly * lx }, -1) * valid.unsqueeze(-1);

        long bins = (long)ph * pw;
        long taps = gridRows * gridCols * 4;
        var pooled = WeightedRowSum.Apply(flat, index.reshape(kc * bins, taps), weight.reshape(kc * bins, taps)); // [kc*bins, C]
        return pooled.view(kc, bins, c);
    }
}
