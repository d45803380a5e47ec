using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Lumi.Data.Metrics.Plotting;

/// <summary>Pixel-level drawing on an ImageSharp image: Bresenham lines, rectangles and bitmap-font text. Out-of-image pixels are skipped.</summary>
public sealed class Canvas(Image<Rgb24> image)
{
    public Image<Rgb24> Image { get; } = image;

    public void Set(int x, int y, Rgb24 color)
    {
        if ((uint)x < (uint)Image.Width && (uint)y < (uint)Image.Height) Image[x, y] = color;
    }

    /// <summary>A line from (x0, y0) to (x1, y1), both ends included, <paramref name="thickness"/> pixels wide (a square pen).</summary>
    public void Line(int x0, int y0, int x1, int y1, Rgb24 color, int thickness = 1)
    {
        int dx = Math.Abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
        int dy = -Math.Abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
        int err = dx + dy;
        int lo = -(thickness - 1) / 2, hi = thickness / 2;
        while (true)
        {
            for (int ox = lo; ox <= hi; ox++)
                for (int oy = lo; oy <= hi; oy++)
                    Set(x0 + ox, y0 + oy, color);
            if (x0 == x1 && y0 == y1) break;
            int e2 = 2 * err;
            if (e2 >= dy) { err += dy; x0 += sx; }
            if (e2 <= dx) { err += dx; y0 += sy; }
        }
    }

    public void FillRectangle(int x, int y, int width, int height, Rgb24 color)
    {
        for (int j = y; j < y + height; j++)
            for (int i = x; i < x + width; i++)
                Set(i, j, color);
    }

    /// <summary>Text with its top-left corner at (x, y), each font pixel drawn as a <paramref name="scale"/>² block.</summary>
    public void Text(string text, int x, int y, Rgb24 color, int scale = 1)
    {
        for (int k = 0; k < text.Length; k++)
        {
            int left = x + k * (PixelFont.GlyphWidth + 1) * scale;
            for (int gy = 0; gy < PixelFont.GlyphHeight; gy++)
                for (int gx = 0; gx < PixelFont.GlyphWidth; gx++)
                    if (PixelFont.IsSet(text[k], gx, gy))
                        FillRectangle(left + gx * scale, y + gy * scale, scale, scale, color);
        }
    }

    /// <summary>Text written top to bottom, one character under the other (for a vertical axis label).</summary>
    public void VerticalText(string text, int x, int y, Rgb24 color, int scale = 1)
    {
        for (int k = 0; k < text.Length; k++)
            Text(text[k].ToString(), x, y + k * (PixelFont.GlyphHeight + 2) * scale, color, scale);
    }
}
