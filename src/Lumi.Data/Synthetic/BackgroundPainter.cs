using Lumi.Data.Imaging;
namespace Lumi.Data.Synthetic;

/// <summary>
/// Paints a cluttered, photograph-like background into an RGB float buffer (interleaved, 0–255): a
/// two-colour gradient, low-frequency value noise in two octaves, sometimes stripes, then blobs, bars and
/// polygons in colours kept away from every class colour.
/// </summary>
internal sealed class BackgroundPainter(IReadOnlyList<SyntheticClass> classes)
{
    /// <summary>Clutter colours stay at least this far (Euclidean, 8-bit RGB) from every class colour.</summary>
    public const double MinColourDistance = 110;

    public void Paint(float[] rgb, int width, int height, SeededRandom random)
    {
        Gradient(rgb, width, height, random);
        ValueNoise(rgb, width, height, random, cells: random.Between(3, 5), amplitude: (float)random.Range(12, 35), perChannel: false);
        ValueNoise(rgb, width, height, random, cells: random.Between(10, 18), amplitude: (float)random.Range(6, 18), perChannel: true);
        if (random.Chance(0.5))
        {
            Stripes(rgb, width, height, random);
        }
        int clutter = random.Between(3, 10);
        for (int i = 0; i < clutter; i++)
        {
            (float r, float g, float b) = ClutterColour(random);
            switch (random.Next(3))
            {
                case 0:
                    Blob(rgb, width, height, random, r, g, b);
                    break;
                case 1:
                    Bar(rgb, width, height, random, r, g, b);
                    break;
                default:
                    Polygon(rgb, width, height, random, r, g, b);
                    break;
            }
        }
    }

    /// <summary>A muted colour (low saturation), as scenery is.</summary>
    private static (float R, float G, float B) Muted(SeededRandom random) =>
        Hsv(random.NextDouble(), random.Range(0.05, 0.4), random.Range(0.25, 0.85));

    private (float R, float G, float B) ClutterColour(SeededRandom random)
    {
        (float R, float G, float B) colour = default;
        for (int attempt = 0; attempt < 30; attempt++)
        {
            colour = Hsv(random.NextDouble(), random.Range(0.05, 0.75), random.Range(0.15, 0.9));
            if (classes.All(c => Distance(colour, c) >= MinColourDistance))
            {
                return colour;
            }
        }
        // Grey is far from every saturated class colour; it is the fallback should none be found.
        float grey = (float)random.Range(60, 160);
        return (grey, grey, grey);
    }

    private static double Distance((float R, float G, float B) a, SyntheticClass c)
    {
        double dr = a.R - c.R, dg = a.G - c.G, db = a.B - c.B;
        return Math.Sqrt(dr * dr + dg * dg + db * db);
    }

    private static void Gradient(float[] rgb, int width, int height, SeededRandom random)
    {
        (float r0, float g0, float b0) = Muted(random);
        (float r1, float g1, float b1) = Muted(random);
        double angle = random.Range(0, 2 * Math.PI);
        float dx = (float)Math.Cos(angle), dy = (float)Math.Sin(angle);
        float extent = Math.Abs(dx) * width + Math.Abs(dy) * height;
        for (int y = 0; y < height; y++)
        {
            int row = y * width * 3;
            for (int x = 0; x < width; x++)
            {
                float t = Math.Clamp(((x - width * 0.5f) * dx + (y - height * 0.5f) * dy) / extent + 0.5f, 0f, 1f);
                int i = row + 3 * x;
                rgb[i] = r0 + (r1 - r0) * t;
                rgb[i + 1] = g0 + (g1 - g0) * t;
                rgb[i + 2] = b0 + (b1 - b0) * t;
            }
        }
    }

    /// <summary>Random values on a coarse grid, interpolated bilinearly and added (to all channels alike, or to each its own).</summary>
    private static void ValueNoise(float[] rgb, int width, int height, SeededRandom random, int cells, float amplitude, bool perChannel)
    {
        int planes = perChannel ? 3 : 1;
        int gw = cells + 2, gh = cells + 2;
        var grid = new float[planes * gw * gh];
        for (int i = 0; i < grid.Length; i++)
        {
            grid[i] = (float)random.Range(-amplitude, amplitude);
        }
        float sx = (float)cells / width, sy = (float)cells / height;
        for (int y = 0; y < height; y++)
        {
            float fy = y * sy;
            int gy = (int)fy;
            float ty = fy - gy;
            for (int x = 0; x < width; x++)
            {
                float fx = x * sx;
                int gx = (int)fx;
                float tx = fx - gx;
                int i = 3 * (y * width + x);
                for (int c = 0; c < 3; c++)
                {
                    int p = perChannel ? c * gw * gh : 0;
                    int a = p + gy * gw + gx;
                    float top = grid[a] + (grid[a + 1] - grid[a]) * tx;
                    float bottom = grid[a + gw] + (grid[a + gw + 1] - grid[a + gw]) * tx;
                    rgb[i + c] += top + (bottom - top) * ty;
                }
            }
        }
    }

    private static void Stripes(float[] rgb, int width, int height, SeededRandom random)
    {
        double angle = random.Range(0, Math.PI);
        float period = (float)random.Range(6, 40);
        float amplitude = (float)random.Range(6, 20);
        float kx = (float)(Math.Cos(angle) * 2 * Math.PI / period), ky = (float)(Math.Sin(angle) * 2 * Math.PI / period);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                float v = amplitude * MathF.Sin(x * kx + y * ky);
                int i = 3 * (y * width + x);
                rgb[i] += v;
                rgb[i + 1] += v;
                rgb[i + 2] += v;
            }
        }
    }

    /// <summary>A rotated ellipse, elongated so that it does not pass for a circle.</summary>
    private static void Blob(float[] rgb, int width, int height, SeededRandom random, float r, float g, float b)
    {
        int side = Math.Min(width, height);
        double a = random.Range(0.04, 0.22) * side;
        double c = a / random.Range(1.8, 4);
        double angle = random.Range(0, Math.PI);
        double cx = random.Range(0, width), cy = random.Range(0, height);
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        Fill(rgb, width, height, cx, cy, a, (u, v) =>
        {
            double p = (u * cos + v * sin) / a, q = (-u * sin + v * cos) / c;
            return p * p + q * q <= 1;
        }, r, g, b);
    }

    /// <summary>A straight bar from edge to edge or part way, 2–8 pixels thick.</summary>
    private static void Bar(float[] rgb, int width, int height, SeededRandom random, float r, float g, float b)
    {
        int side = Math.Min(width, height);
        double length = random.Range(0.2, 1.0) * side;
        double thickness = random.Range(1, 4);
        double angle = random.Range(0, Math.PI);
        double cx = random.Range(0, width), cy = random.Range(0, height);
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        Fill(rgb, width, height, cx, cy, length / 2 + thickness, (u, v) =>
            Math.Abs(u * cos + v * sin) <= length / 2 && Math.Abs(-u * sin + v * cos) <= thickness, r, g, b);
    }

    /// <summary>An irregular quadrilateral (its corners at random angles and distances around a centre).</summary>
    private static void Polygon(float[] rgb, int width, int height, SeededRandom random, float r, float g, float b)
    {
        int side = Math.Min(width, height);
        double radius = random.Range(0.04, 0.18) * side;
        double cx = random.Range(0, width), cy = random.Range(0, height);
        var corners = new (double U, double V)[4];
        double start = random.Range(0, 2 * Math.PI);
        for (int i = 0; i < 4; i++)
        {
            double angle = start + i * Math.PI / 2 + random.Range(-0.5, 0.5);
            double distance = radius * random.Range(0.4, 1.0);
            corners[i] = (distance * Math.Cos(angle), distance * Math.Sin(angle));
        }
        Fill(rgb, width, height, cx, cy, radius, (u, v) =>
        {
            bool inside = false;
            for (int i = 0, j = 3; i < 4; j = i++)
            {
                if ((corners[i].V > v) != (corners[j].V > v)
                    && u < (corners[j].U - corners[i].U) * (v - corners[i].V) / (corners[j].V - corners[i].V) + corners[i].U)
                {
                    inside = !inside;
                }
            }
            return inside;
        }, r, g, b);
    }

    /// <summary>Paints the pixels within <paramref name="reach"/> of the centre whose centre offset passes <paramref name="inside"/>.</summary>
    private static void Fill(float[] rgb, int width, int height, double cx, double cy, double reach, Func<double, double, bool> inside, float r, float g, float b)
    {
        int x0 = Math.Max(0, (int)Math.Floor(cx - reach)), x1 = Math.Min(width - 1, (int)Math.Ceiling(cx + reach));
        int y0 = Math.Max(0, (int)Math.Floor(cy - reach)), y1 = Math.Min(height - 1, (int)Math.Ceiling(cy + reach));
        for (int y = y0; y <= y1; y++)
        {
            for (int x = x0; x <= x1; x++)
            {
                if (inside(x + 0.5 - cx, y + 0.5 - cy))
                {
                    int i = 3 * (y * width + x);
                    rgb[i] = r;
                    rgb[i + 1] = g;
                    rgb[i + 2] = b;
                }
            }
        }
    }

    /// <summary>HSV (all in [0, 1]) to RGB in 0–255.</summary>
    public static (float R, float G, float B) Hsv(double h, double s, double v)
    {
        (double r, double g, double b) = HsvColor.ToRgb(h, s, v);
        return ((float)(r * 255), (float)(g * 255), (float)(b * 255));
    }
}
