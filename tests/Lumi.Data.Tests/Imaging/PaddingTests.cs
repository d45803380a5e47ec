using Lumi.Data.Imaging;

namespace Lumi.Data.Tests.Imaging;

public sealed class PaddingTests
{
    [Fact]
    public void ImagesSitTopLeftInAZeroPaddedBatchRoundedUpTo32()
    {
        RgbImage a = Filled(40, 30, 1f);
        RgbImage b = Filled(20, 70, 2f);

        PaddedBatch batch = Padding.Pack([a, b]);

        Assert.Equal(new long[] { 2, 3, 96, 64 }, batch.Shape);
        Assert.Equal(new[] { (30, 40), (70, 20) }, batch.Sizes);
        for (int n = 0; n < 2; n++)
        {
            RgbImage image = n == 0 ? a : b;
            for (int c = 0; c < 3; c++)
            {
                for (int y = 0; y < 96; y++)
                {
                    for (int x = 0; x < 64; x++)
                    {
                        float v = batch.Data[((n * 3 + c) * 96 + y) * 64 + x];
                        float want = y < image.Height && x < image.Width ? image[c, y, x] : 0f;
                        Assert.Equal(want, v);
                    }
                }
            }
        }
    }

    [Fact]
    public void AReusedBufferHasItsOldContentsClearedFromThePadding()
    {
        var buffer = new float[3 * 64 * 64];
        buffer.AsSpan().Fill(9f);

        PaddedBatch batch = Padding.Pack([Filled(33, 1, 1f)], buffer: buffer);

        Assert.Same(buffer, batch.Data);
        Assert.Equal((32, 64), (batch.Height, batch.Width));
        Assert.Equal(3 * 33, batch.Data.Take(batch.Length).Count(v => v != 0f));
        Assert.Equal(batch.Length - 3 * 33, batch.Data.Take(batch.Length).Count(v => v == 0f));
    }

    [Fact]
    public void SizesAlreadyMultiplesStayAsTheyAre()
    {
        Assert.Equal((64, 32), Padding.BatchSize([(64, 32)]));
        Assert.Equal((10, 20), Padding.BatchSize([(9, 17)], sizeDivisible: 10));
    }

    private static RgbImage Filled(int width, int height, float value)
    {
        var image = new RgbImage(width, height);
        for (int c = 0; c < 3; c++)
        {
            for (int i = 0; i < image.PlaneLength; i++)
            {
                image.Plane(c)[i] = value * (c + 1) + i * 1e-3f;
            }
        }
        return image;
    }
}
