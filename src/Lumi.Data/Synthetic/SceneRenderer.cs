using Lumi.Data.Voc;

namespace Lumi.Data.Synthetic;

/// <summary>
/// Draws one synthetic image: a <see cref="BackgroundPainter"/> background, then objects of the classes'
/// shapes and colours (shaded, without anti-aliasing, so every pixel belongs to one object or to the
/// background), then sensor noise. Boxes are the tight extent of each object's visible pixels.
/// </summary>
/// <remarks>
/// Occlusion is controlled, not left to chance: a placement is retried when it would leave the new object
/// with less than <see cref="MinVisible"/> of its pixels in the image, or hide an earlier object below that
/// fraction; an object with no acceptable placement after <see cref="Attempts"/> tries is not drawn. So no
/// object is mostly hidden, and one that is partly hidden or cut by the image border is marked truncated.
/// </remarks>
internal sealed class SceneRenderer
{
    /// <summary>Fewest of an object's pixels that stay visible (in the image and not covered).</summary>
    public const double MinVisible = 0.55;

    /// <summary>An object with less than this fraction visible is marked <c>truncated</c>.</summary>
    public const double TruncatedBelow = 0.85;

    public const int Attempts = 25;

    private readonly SyntheticVocOptions _options;
    private readonly IReadOnlyList<SyntheticClass> _classes;
    private readonly BackgroundPainter _background;

    public SceneRenderer(SyntheticVocOptions options, IReadOnlyList<SyntheticClass> classes)
    {
        _options = options;
        _classes = classes;
        _background = new BackgroundPainter(classes);
    }

    public SyntheticScene Render(int index)
    {
        int width = _options.Width, height = _options.Height;
        SeededRandom random = SeededRandom.For(_options.Seed, index);
        var rgb = new float[width * height * 3];
        var owner = new short[width * height];
        Array.Fill(owner, (short)-1);
        _background.Paint(rgb, width, height, random);

        var placed = new List<Placed>();
        var pixels = new List<int>();
        var shades = new List<float>();
        int count = random.Between(_options.MinObjects, _options.MaxObjects);
        for (int k = 0; k < count; k++)
        {
            double scale = Math.Exp(random.Range(Math.Log(_options.MinScale), Math.Log(_options.MaxScale)));
            TryPlace(random, scale, rgb, owner, placed, pixels, shades);
        }
        if (random.Chance(_options.TinyObjectProbability))
        {
            TryPlace(random, _options.MinScale * random.Range(0.3, 0.5), rgb, owner, placed, pixels, shades);
        }

        float sigma = (float)random.Range(1.5, 5);
        var bytes = new byte[rgb.Length];
        for (int i = 0; i < rgb.Length; i++)
        {
            float value = rgb[i] + sigma * (float)random.Normal();
            bytes[i] = (byte)Math.Clamp((int)MathF.Round(value), 0, 255);
        }
        return new SyntheticScene(width, height, bytes, owner, Boxes(owner, width, height, placed));
    }

    private sealed class Placed(int classIndex, int shapePixels, int visible, (byte, byte, byte) colour)
    {
        public int ClassIndex { get; } = classIndex;
        public int ShapePixels { get; } = shapePixels;
        public int Visible { get; set; } = visible;
        public (byte R, byte G, byte B) Colour { get; } = colour;
    }

    private void TryPlace(SeededRandom random, double scale, float[] rgb, short[] owner, List<Placed> placed, List<int> pixels, List<float> shades)
    {
        int width = _options.Width, height = _options.Height;
        int classIndex = random.Next(_classes.Count);
        SyntheticClass look = _classes[classIndex];
        double brightness = random.Range(0.8, 1.08);
        var colour = (R: Scale(look.R, brightness), G: Scale(look.G, brightness), B: Scale(look.B, brightness));
        double radius = scale * Math.Min(width, height) / 2;
        var covered = new int[placed.Count];
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            double ax = radius * random.Range(0.88, 1.12), ay = radius * random.Range(0.88, 1.12);
            double maxRotation = ShapeGeometry.MaxRotation(look.Shape);
            double angle = maxRotation > 0 ? random.Range(-maxRotation, maxRotation) : 0;
            double cx = random.Range(radius * 0.35, width - radius * 0.35);
            double cy = random.Range(radius * 0.35, height - radius * 0.35);
            double lightU = random.Range(-0.18, 0.18), lightV = random.Range(-0.18, 0.18);
            int total = Rasterize(look.Shape, cx, cy, ax, ay, angle, lightU, lightV, pixels, shades);
            if (total == 0 || pixels.Count < MinVisible * total)
            {
                continue;
            }
            Array.Clear(covered);
            foreach (int p in pixels)
            {
                if (owner[p] >= 0)
                {
                    covered[owner[p]]++;
                }
            }
            bool hides = false;
            for (int j = 0; j < placed.Count; j++)
            {
                if (placed[j].Visible - covered[j] < MinVisible * placed[j].ShapePixels)
                {
                    hides = true;
                    break;
                }
            }
            if (hides)
            {
                continue;
            }
            short id = (short)placed.Count;
            for (int j = 0; j < placed.Count; j++)
            {
                placed[j].Visible -= covered[j];
            }
            for (int n = 0; n < pixels.Count; n++)
            {
                int p = pixels[n];
                owner[p] = id;
                float shade = shades[n];
                rgb[3 * p] = colour.R * shade;
                rgb[3 * p + 1] = colour.G * shade;
                rgb[3 * p + 2] = colour.B * shade;
            }
            placed.Add(new Placed(classIndex, total, pixels.Count, colour));
            return;
        }
    }

    private static byte Scale(byte value, double factor) => (byte)Math.Clamp((int)Math.Round(value * factor), 0, 255);

    /// <summary>
    /// Collects the in-image pixels whose centres fall inside the shape, with a shading factor for each
    /// (light from one side); returns how many pixel centres the whole shape covers, in the image or not.
    /// </summary>
    private int Rasterize(SyntheticShape shape, double cx, double cy, double ax, double ay, double angle, double lightU, double lightV, List<int> pixels, List<float> shades)
    {
        pixels.Clear();
        shades.Clear();
        int width = _options.Width, height = _options.Height;
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        double reach = Math.Max(ax, ay) * 1.42 + 1;
        int x0 = (int)Math.Floor(cx - reach), x1 = (int)Math.Ceiling(cx + reach);
        int y0 = (int)Math.Floor(cy - reach), y1 = (int)Math.Ceiling(cy + reach);
        int total = 0;
        for (int y = y0; y <= y1; y++)
        {
            double dy = y + 0.5 - cy;
            for (int x = x0; x <= x1; x++)
            {
                double dx = x + 0.5 - cx;
                double u = (dx * cos + dy * sin) / ax;
                double v = (-dx * sin + dy * cos) / ay;
                if (!ShapeGeometry.Contains(shape, u, v))
                {
                    continue;
                }
                total++;
                if ((uint)x < (uint)width && (uint)y < (uint)height)
                {
                    pixels.Add(y * width + x);
                    shades.Add((float)(1 + lightU * u + lightV * v));
                }
            }
        }
        return total;
    }

    private List<SceneObject> Boxes(short[] owner, int width, int height, List<Placed> placed)
    {
        int n = placed.Count;
        var minX = new int[n];
        var minY = new int[n];
        var maxX = new int[n];
        var maxY = new int[n];
        var visible = new int[n];
        Array.Fill(minX, int.MaxValue);
        Array.Fill(minY, int.MaxValue);
        Array.Fill(maxX, -1);
        Array.Fill(maxY, -1);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int k = owner[y * width + x];
                if (k < 0)
                {
                    continue;
                }
                visible[k]++;
                minX[k] = Math.Min(minX[k], x);
                maxX[k] = Math.Max(maxX[k], x);
                minY[k] = Math.Min(minY[k], y);
                maxY[k] = Math.Max(maxY[k], y);
            }
        }
        double difficultBelow = _options.DifficultBelow * Math.Min(width, height);
        var objects = new List<SceneObject>(n);
        for (int k = 0; k < n; k++)
        {
            // Pixel columns minX..maxX cover the continuous interval [minX, maxX + 1).
            var box = new VocBox(minX[k], minY[k], maxX[k] + 1, maxY[k] + 1);
            bool difficult = Math.Max(box.Width, box.Height) < difficultBelow;
            bool truncated = visible[k] < TruncatedBelow * placed[k].ShapePixels;
            objects.Add(new SceneObject(placed[k].ClassIndex, box, placed[k].ShapePixels, visible[k], difficult, truncated, placed[k].Colour));
        }
        return objects;
    }
}
