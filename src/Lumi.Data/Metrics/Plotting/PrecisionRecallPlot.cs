using System.Globalization;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Lumi.Data.Metrics.Plotting;

/// <summary>
/// Draws a class's precision–recall curve as a PNG: recall on x, precision on y, both 0..1 with a grid every 0.1;
/// the raw curve in blue, its monotone envelope (what VOC2010+ AP integrates) in orange; the class name, its number
/// of ground-truth objects and both VOC APs as the title.
/// </summary>
public static class PrecisionRecallPlot
{
    public const int Width = 640;
    public const int Height = 480;

    private const int Left = 70, Right = 24, Top = 44, Bottom = 56;
    private static readonly Rgb24 Background = new(255, 255, 255);
    private static readonly Rgb24 Grid = new(225, 225, 225);
    private static readonly Rgb24 Axis = new(0, 0, 0);
    private static readonly Rgb24 RawCurve = new(31, 119, 180);
    private static readonly Rgb24 EnvelopeCurve = new(255, 127, 14);

    /// <summary>The plot of <paramref name="curve"/> as an image; the caller disposes it.</summary>
    public static Image<Rgb24> Render(PrecisionRecallCurve curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        var image = new Image<Rgb24>(Width, Height, Background);
        var canvas = new Canvas(image);
        int plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        int X(double r) => Left + (int)Math.Round(Math.Clamp(r, 0, 1) * plotW);
        int Y(double p) => Top + plotH - (int)Math.Round(Math.Clamp(p, 0, 1) * plotH);

        for (int k = 0; k <= 10; k++)
        {
            canvas.Line(X(k / 10.0), Top, X(k / 10.0), Top + plotH, Grid);
            canvas.Line(Left, Y(k / 10.0), Left + plotW, Y(k / 10.0), Grid);
        }
        for (int k = 0; k <= 10; k += 2)
        {
            string label = (k / 10.0).ToString("0.0", CultureInfo.InvariantCulture);
            canvas.Line(X(k / 10.0), Top + plotH, X(k / 10.0), Top + plotH + 5, Axis);
            canvas.Text(label, X(k / 10.0) - PixelFont.Measure(label, 1), Top + plotH + 10, Axis, 2);
            canvas.Line(Left - 5, Y(k / 10.0), Left, Y(k / 10.0), Axis);
            canvas.Text(label, Left - 10 - PixelFont.Measure(label, 2), Y(k / 10.0) - 7, Axis, 2);
        }

        int n = curve.Recall.Count;
        if (n > 0)
        {
            // Envelope as steps: precision max to the right, drawn from recall 0 to the last point.
            var envelope = new double[n];
            double running = 0;
            for (int i = n - 1; i >= 0; i--) envelope[i] = running = Math.Max(running, curve.Precision[i]);
            double prevR = 0;
            for (int i = 0; i < n; i++)
            {
                canvas.Line(X(prevR), Y(envelope[i]), X(curve.Recall[i]), Y(envelope[i]), EnvelopeCurve, 2);
                if (i + 1 < n) canvas.Line(X(curve.Recall[i]), Y(envelope[i]), X(curve.Recall[i]), Y(envelope[i + 1]), EnvelopeCurve, 2);
                prevR = curve.Recall[i];
            }
            int px = X(curve.Recall[0]), py = Y(curve.Precision[0]);
            canvas.Set(px, py, RawCurve);
            for (int i = 1; i < n; i++)
            {
                int x = X(curve.Recall[i]), y = Y(curve.Precision[i]);
                if (x != px || y != py) canvas.Line(px, py, x, y, RawCurve, 2);
                (px, py) = (x, y);
            }
        }

        canvas.Line(Left, Top, Left, Top + plotH, Axis);
        canvas.Line(Left, Top + plotH, Left + plotW, Top + plotH, Axis);
        canvas.Text("RECALL", Left + (plotW - PixelFont.Measure("RECALL", 2)) / 2, Height - 22, Axis, 2);
        canvas.VerticalText("PRECISION", 6, Top + (plotH - 9 * 18) / 2, Axis, 2);
        canvas.Text(Title(curve), Left, 12, Axis, 2);
        return image;
    }

    /// <summary>Writes the plot to <paramref name="path"/> (PNG) through a temporary file renamed into place.</summary>
    public static void Write(PrecisionRecallCurve curve, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var image = Render(curve);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = $"{full}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using (var stream = File.Create(temp)) image.SaveAsPng(stream);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes one PNG per curve into <paramref name="directory"/>, named <see cref="FileName"/>; returns the paths in curve order.</summary>
    public static IReadOnlyList<string> WriteAll(IEnumerable<PrecisionRecallCurve> curves, string directory)
    {
        ArgumentNullException.ThrowIfNull(curves);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var paths = new List<string>();
        foreach (var curve in curves)
        {
            string path = Path.Combine(directory, FileName(curve));
            Write(curve, path);
            paths.Add(path);
        }
        return paths;
    }

    /// <summary><c>pr_{index:00}_{name}.png</c>, the name's characters other than letters, digits, '-' and '_' replaced by '_'.</summary>
    public static string FileName(PrecisionRecallCurve curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        var name = new StringBuilder(curve.ClassName.Length);
        foreach (char c in curve.ClassName) name.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        return $"pr_{curve.ClassIndex:00}_{name}.png";
    }

    private static string Title(PrecisionRecallCurve curve)
    {
        static string F(double? v) => v is { } x ? x.ToString("0.000", CultureInfo.InvariantCulture) : "-";
        string title = $"{curve.ClassName}  GT {curve.GroundTruth}  AP07 {F(curve.Ap07)}  AP12 {F(curve.Ap12)}";
        int maxChars = (Width - Left) / ((PixelFont.GlyphWidth + 1) * 2);
        return title.Length <= maxChars ? title : title[..maxChars];
    }
}
