namespace Lumi.Data.Imaging;

/// <summary>
/// Lumi's one resize rule (shared/DESIGN.md §1), torchvision's <c>GeneralizedRCNNTransform</c> resize:
/// scale <c>s = min(min_size / short side, max_size / long side)</c>, output <c>floor(h·s) × floor(w·s)</c>,
/// bilinear with half-pixel centres and no antialiasing, the scale recomputed per axis as
/// <c>in / out</c>; no resampling at all when the output size is the input size. Boxes map back per
/// axis with <c>original / resized</c> (<see cref="ToOriginal"/>).
/// </summary>
/// <remarks>Thread-safe; <see cref="Resize"/> spreads rows over the thread pool.</remarks>
public sealed record ResizeRule
{
    public ResizeRule(int minSize = 800, int maxSize = 1333)
    {
        if (minSize < 1 || maxSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(minSize), $"min_size and max_size must be at least 1, got {minSize} and {maxSize}");
        }
        MinSize = minSize;
        MaxSize = maxSize;
    }

    public int MinSize { get; }
    public int MaxSize { get; }

    /// <summary>The output size for an input of <paramref name="width"/> × <paramref name="height"/>, in torchvision's arithmetic (at least one pixel per axis).</summary>
    public ResizedSize OutputSize(int width, int height)
    {
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"image size must be positive, got {width}x{height}");
        }
        // torchvision divides in float32 (the image shape is a tensor cast to float32) and hands the
        // float32 scale to interpolate, which computes int(math.floor(float(size) * scale)) in doubles.
        // Floats, not doubles, decide cases such as 333 * 200/333 (199 in double arithmetic, 200 here).
        float shortSide = Math.Min(width, height);
        float longSide = Math.Max(width, height);
        // Python's `number / tensor` is `tensor.reciprocal() * number`.
        float scale = MathF.Min(1f / shortSide * MinSize, 1f / longSide * MaxSize);
        int outWidth = Math.Max(1, (int)Math.Floor(width * (double)scale));
        int outHeight = Math.Max(1, (int)Math.Floor(height * (double)scale));
        return new ResizedSize(outWidth, outHeight, scale);
    }

    /// <summary>
    /// Resizes <paramref name="source"/> by this rule into <paramref name="buffer"/> when it is large
    /// enough. When the size does not change the result is a copy (no resampling).
    /// </summary>
    public RgbImage Resize(RgbImage source, float[]? buffer = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ResizedSize size = OutputSize(source.Width, source.Height);
        return BilinearResize(source, size.Width, size.Height, buffer);
    }

    /// <summary>Factors that take boxes in the resized image back to the original image's pixels.</summary>
    public BoxScale ToOriginal(int originalWidth, int originalHeight)
    {
        ResizedSize size = OutputSize(originalWidth, originalHeight);
        return BoxScale.Between(size.Width, size.Height, originalWidth, originalHeight);
    }

    /// <summary>Factors that take boxes in the original image to the resized one (training targets).</summary>
    public BoxScale ToResized(int originalWidth, int originalHeight)
    {
        ResizedSize size = OutputSize(originalWidth, originalHeight);
        return BoxScale.Between(originalWidth, originalHeight, size.Width, size.Height);
    }

    /// <summary>
    /// Bilinear resize of each plane to <paramref name="width"/> × <paramref name="height"/> exactly as
    /// <c>interpolate(size=(height, width), mode="bilinear", align_corners=False, antialias=False)</c>.
    /// </summary>
    public static RgbImage BilinearResize(RgbImage source, int width, int height, float[]? buffer = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var result = new RgbImage(width, height, buffer);
        if (width == source.Width && height == source.Height)
        {
            if (!ReferenceEquals(result.Data, source.Data))
            {
                source.Data.AsSpan(0, source.Length).CopyTo(result.Data);
            }
            return result;
        }
        if (ReferenceEquals(result.Data, source.Data))
        {
            throw new ArgumentException("the output buffer must not be the source image's buffer", nameof(buffer));
        }
        var rows = new LinearAxisMap(source.Height, height);
        var columns = new LinearAxisMap(source.Width, width);
        int totalRows = RgbImage.Channels * height;
        // About 64k output values per task: enough work to pay for the scheduling, enough tasks to share.
        int rowsPerTask = Math.Max(1, (1 << 16) / width);
        int tasks = (totalRows + rowsPerTask - 1) / rowsPerTask;
        float[] src = source.Data;
        float[] dst = result.Data;
        int srcPlane = source.PlaneLength;
        int srcWidth = source.Width;
        Parallel.For(0, tasks, task =>
        {
            int end = Math.Min(totalRows, (task + 1) * rowsPerTask);
            for (int r = task * rowsPerTask; r < end; r++)
            {
                int channel = r / height;
                int y = r - channel * height;
                int plane = channel * srcPlane;
                ReadOnlySpan<float> row0 = src.AsSpan(plane + rows.Index0[y] * srcWidth, srcWidth);
                ReadOnlySpan<float> row1 = src.AsSpan(plane + rows.Index1[y] * srcWidth, srcWidth);
                Span<float> output = dst.AsSpan(r * width, width);
                InterpolateRow(row0, row1, rows.Weight0[y], rows.Weight1[y], columns, output);
            }
        });
        return result;
    }

    /// <summary>One output row: per column <c>(a·wx0 + b·wx1)·wy0 + (c·wx0 + d·wx1)·wy1</c>, torch's order of operations.</summary>
    private static void InterpolateRow(
        ReadOnlySpan<float> row0, ReadOnlySpan<float> row1, float wy0, float wy1, LinearAxisMap columns, Span<float> output)
    {
        int[] i0 = columns.Index0;
        int[] i1 = columns.Index1;
        float[] w0 = columns.Weight0;
        float[] w1 = columns.Weight1;
        for (int x = 0; x < output.Length; x++)
        {
            float top = row0[i0[x]] * w0[x] + row0[i1[x]] * w1[x];
            float bottom = row1[i0[x]] * w0[x] + row1[i1[x]] * w1[x];
            output[x] = top * wy0 + bottom * wy1;
        }
    }
}
