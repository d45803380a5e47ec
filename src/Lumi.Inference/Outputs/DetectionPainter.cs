using System.Globalization;
using Lumi.Data.Imaging;
using Lumi.Data.Metrics.Plotting;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Lumi.Inference.Outputs;

/// <summary>
/// Draws detections onto an image with ImageSharp pixel access (ImageSharp.Drawing cannot be restored here) and Lumi's
/// bitmap font: each box outlined in its class's colour, a label "class prob" on a filled tag above it (inside it at the
/// top edge of the image), line width and text size scaled to the image. The most probable box is drawn last, on top.
/// </summary>
public static class DetectionPainter
{
    /// <summary>A distinct, saturated colour per 1-based label: hues a golden angle apart.</summary>
    public static Rgb24 ColorFor(int label)
    {
        (double r, double g, double b) = HsvColor.ToRgb(label * 0.618033988749895 % 1.0, saturation: 0.85, value: 0.95);
        return new Rgb24((byte)Math.Round(r * 255), (byte)Math.Round(g * 255), (byte)Math.Round(b * 255));
    }

    /// <summary>Box outline width in pixels: 2 up to 500-pixel images, one more per 250 pixels of the shorter side.</summary>
    public static int LineWidth(int width, int height) => Math.Max(2, Math.Min(width, height) / 250);

    /// <summary>Font pixels per bitmap-font pixel: 1 up to 600-pixel images, one more per 300 pixels of the shorter side.</summary>
    public static int TextScale(int width, int height) => Math.Max(1, Math.Min(width, height) / 300);

    /// <summary>The label drawn for a detection: class name and probability to two decimals.</summary>
    public static string Label(Detection detection) =>
        $"{detection.ClassName} {detection.Score.ToString("0.00", CultureInfo.InvariantCulture)}";

    /// <summary>An 8-bit image of the planes of <paramref name="image"/> (values <c>v·255</c>, rounded).</summary>
    public static Image<Rgb24> ToImage(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var result = new Image<Rgb24>(image.Width, image.Height);
        float[] data = image.Data;
        int plane = image.PlaneLength;
        int width = image.Width;
        result.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < accessor.Height; y++)
            {
                Span<Rgb24> row = accessor.GetRowSpan(y);
                int offset = y * width;
                for (int x = 0; x < row.Length; x++)
                {
                    row[x] = new Rgb24(Byte(data[offset + x]), Byte(data[plane + offset + x]), Byte(data[2 * plane + offset + x]));
                }
            }
        });
        return result;
    }

    /// <summary>Draws <paramref name="detections"/> (in the image's pixels) onto <paramref name="image"/>.</summary>
    public static void Draw(Image<Rgb24> image, IReadOnlyList<Detection> detections)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(detections);
        var canvas = new Canvas(image);
        int line = LineWidth(image.Width, image.Height);
        int scale = TextScale(image.Width, image.Height);
        foreach (Detection d in detections.OrderBy(d => d.Score))
        {
            Rgb24 color = ColorFor(d.Label);
            int x1 = Math.Clamp((int)MathF.Floor(d.X1), 0, image.Width - 1);
            int y1 = Math.Clamp((int)MathF.Floor(d.Y1), 0, image.Height - 1);
            int x2 = Math.Clamp((int)MathF.Ceiling(d.X2) - 1, x1, image.Width - 1);
            int y2 = Math.Clamp((int)MathF.Ceiling(d.Y2) - 1, y1, image.Height - 1);
            // The outline grows inwards, so it never leaves the box.
            for (int k = 0; k < line && x1 + k <= x2 - k && y1 + k <= y2 - k; k++)
            {
                canvas.Line(x1 + k, y1 + k, x2 - k, y1 + k, color);
                canvas.Line(x1 + k, y2 - k, x2 - k, y2 - k, color);
                canvas.Line(x1 + k, y1 + k, x1 + k, y2 - k, color);
                canvas.Line(x2 - k, y1 + k, x2 - k, y2 - k, color);
            }
            string label = Label(d);
            int pad = scale;
            int tagWidth = PixelFont.Measure(label, scale) + 2 * pad;
            int tagHeight = PixelFont.GlyphHeight * scale + 2 * pad;
            int tagTop = y1 - tagHeight >= 0 ? y1 - tagHeight : y1;
            int tagLeft = Math.Max(0, Math.Min(x1, image.Width - tagWidth));
            canvas.FillRectangle(tagLeft, tagTop, tagWidth, tagHeight, color);
            // Black on light colours, white on dark ones (Rec. 601 luma).
            bool light = 0.299 * color.R + 0.587 * color.G + 0.114 * color.B > 140;
            canvas.Text(label, tagLeft + pad, tagTop + pad, light ? new Rgb24(0, 0, 0) : new Rgb24(255, 255, 255), scale);
        }
    }

    private static byte Byte(float v) => (byte)Math.Clamp(MathF.Round(v * 255f), 0f, 255f);
}
