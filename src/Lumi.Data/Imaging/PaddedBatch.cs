namespace Lumi.Data.Imaging;

/// <summary>
/// Images packed into one zero-padded float buffer <c>[N, 3, Height, Width]</c> (content at the top
/// left), with each image's content size — the <c>images</c> and <c>image_sizes</c> inputs of
/// shared/DESIGN.md §4. <see cref="Data"/> may be longer than <see cref="Length"/> when a buffer is reused.
/// </summary>
public sealed class PaddedBatch
{
    internal PaddedBatch(float[] data, int count, int height, int width, IReadOnlyList<(int Height, int Width)> sizes)
    {
        Data = data;
        Count = count;
        Height = height;
        Width = width;
        Sizes = sizes;
    }

    public float[] Data { get; }
    public int Count { get; }
    public int Height { get; }
    public int Width { get; }

    /// <summary>(height, width) of each image's content before padding, in batch order.</summary>
    public IReadOnlyList<(int Height, int Width)> Sizes { get; }

    /// <summary>Values that make up the batch, <c>N·3·Height·Width</c>.</summary>
    public int Length => Count * RgbImage.Channels * Height * Width;

    /// <summary>The shape <c>[N, 3, Height, Width]</c>.</summary>
    public long[] Shape => [Count, RgbImage.Channels, Height, Width];
}
