using Lumi.Data.Imaging;

namespace Lumi.Data.Augmentation;

/// <summary>
/// torchvision's <c>ColorJitter</c> on float planes, with probability <see cref="PhotometricOptions.Probability"/>:
/// brightness, contrast, saturation and hue adjusted in a random order, each result clamped to [0, 1]
/// (grey is <c>0.299 R + 0.587 G + 0.114 B</c>, the hue shift goes through HSV). Boxes do not change.
/// </summary>
public sealed class PhotometricDistortion : IAugmentation
{
    private const float WeightR = 0.299f, WeightG = 0.587f, WeightB = 0.114f;

    public PhotometricDistortion(PhotometricOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    public PhotometricOptions Options { get; }

    public TrainSample Apply(TrainSample sample, Random random)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(random);
        if (random.NextDouble() >= Options.Probability)
        {
            return sample;
        }
        float brightness = Draw(Options.Brightness, random);
        float contrast = Draw(Options.Contrast, random);
        float saturation = Draw(Options.Saturation, random);
        float hue = Draw(Options.Hue, random);
        int[] order = [0, 1, 2, 3];
        random.Shuffle(order);

        var result = new RgbImage(sample.Image.Width, sample.Image.Height);
        sample.Image.Data.AsSpan(0, sample.Image.Length).CopyTo(result.Data);
        Span<float> r = result.Plane(0), g = result.Plane(1), b = result.Plane(2);
        foreach (int step in order)
        {
            switch (step)
            {
                case 0 when brightness != 1:
                    Blend(r, g, b, brightness, grey: 0);
                    break;
                case 1 when contrast != 1:
                    Blend(r, g, b, contrast, MeanGrey(r, g, b));
                    break;
                case 2 when saturation != 1:
                    Saturate(r, g, b, saturation);
                    break;
                case 3 when hue != 0:
                    ShiftHue(r, g, b, hue);
                    break;
            }
        }
        return sample with { Image = result };
    }

    private static float Draw(double[] range, Random random) => (float)(range[0] + (range[1] - range[0]) * random.NextDouble());

    /// <summary><c>f·v + (1 − f)·grey</c>, clamped, for every value (torchvision's <c>_blend</c>).</summary>
    private static void Blend(Span<float> r, Span<float> g, Span<float> b, float factor, float grey)
    {
        float offset = (1 - factor) * grey;
        BlendPlane(r, factor, offset);
        BlendPlane(g, factor, offset);
        BlendPlane(b, factor, offset);
    }

    private static void BlendPlane(Span<float> plane, float factor, float offset)
    {
        for (int i = 0; i < plane.Length; i++)
        {
            plane[i] = Math.Clamp(factor * plane[i] + offset, 0f, 1f);
        }
    }

    private static float MeanGrey(Span<float> r, Span<float> g, Span<float> b)
    {
        double sum = 0;
        for (int i = 0; i < r.Length; i++)
        {
            sum += WeightR * r[i] + WeightG * g[i] + WeightB * b[i];
        }
        return (float)(sum / r.Length);
    }

    private static void Saturate(Span<float> r, Span<float> g, Span<float> b, float factor)
    {
        float keep = 1 - factor;
        for (int i = 0; i < r.Length; i++)
        {
            float grey = keep * (WeightR * r[i] + WeightG * g[i] + WeightB * b[i]);
            r[i] = Math.Clamp(factor * r[i] + grey, 0f, 1f);
            g[i] = Math.Clamp(factor * g[i] + grey, 0f, 1f);
            b[i] = Math.Clamp(factor * b[i] + grey, 0f, 1f);
        }
    }

    /// <summary>RGB → HSV, hue + <paramref name="shift"/> (in turns, wrapped), HSV → RGB; per pixel, no allocation.</summary>
    private static void ShiftHue(Span<float> r, Span<float> g, Span<float> b, float shift)
    {
        for (int i = 0; i < r.Length; i++)
        {
            float red = r[i], green = g[i], blue = b[i];
            float max = MathF.Max(red, MathF.Max(green, blue));
            float min = MathF.Min(red, MathF.Min(green, blue));
            float chroma = max - min;
            if (chroma <= 0)
            {
                continue; // grey: no hue to turn
            }
            float h;
            if (max == red)
            {
                h = (green - blue) / chroma;
            }
            else if (max == green)
            {
                h = (blue - red) / chroma + 2;
            }
            else
            {
                h = (red - green) / chroma + 4;
            }
            h = h / 6 + shift;
            h -= MathF.Floor(h);
            float s = chroma / max;
            float sector = h * 6;
            int k = Math.Min(5, (int)sector);
            float f = sector - k;
            float p = max * (1 - s), q = max * (1 - s * f), t = max * (1 - s * (1 - f));
            (r[i], g[i], b[i]) = k switch
            {
                0 => (max, t, p),
                1 => (q, max, p),
                2 => (p, max, t),
                3 => (p, q, max),
                4 => (t, p, max),
                _ => (max, p, q),
            };
        }
    }
}
