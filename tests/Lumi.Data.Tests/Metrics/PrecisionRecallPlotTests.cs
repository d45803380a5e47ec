using Lumi.Data.Metrics;
using Lumi.Data.Metrics.Plotting;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static Lumi.Data.Tests.Metrics.Cases;

namespace Lumi.Data.Tests.Metrics;

public sealed class PrecisionRecallPlotTests
{
    private static readonly Rgb24 Blue = new(31, 119, 180);
    private static readonly Rgb24 Orange = new(255, 127, 14);

    private static PrecisionRecallCurve Curve(string name = "cat") => DetectionEvaluator.Evaluate(
        [
            Image("1", [Gt(0, 0, 10, 10)], Det(0, 0, 10, 10, 0.9)),
            Image("2", [Gt(0, 0, 10, 10)], Det(60, 60, 70, 70, 0.8), Det(0, 0, 10, 10, 0.7)),
            Image("3", [Gt(0, 0, 10, 10)]),
        ],
        [name]).Curves[0];

    [Fact]
    public void WritesAPngWithBothCurves()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"lumi-plots-{Guid.NewGuid():N}");
        try
        {
            var paths = PrecisionRecallPlot.WriteAll([Curve("potted plant")], dir);

            Assert.Equal([Path.Combine(dir, "pr_00_potted_plant.png")], paths);
            using var image = SixLabors.ImageSharp.Image.Load<Rgb24>(paths[0]);
            Assert.Equal((PrecisionRecallPlot.Width, PrecisionRecallPlot.Height), (image.Width, image.Height));
            int blue = 0, orange = 0, black = 0;
            image.ProcessPixelRows(rows =>
            {
                for (int y = 0; y < rows.Height; y++)
                    foreach (var p in rows.GetRowSpan(y))
                    {
                        if (p == Blue) blue++;
                        else if (p == Orange) orange++;
                        else if (p == new Rgb24(0, 0, 0)) black++;
                    }
            });
            Assert.True(blue > 100, $"{blue} curve pixels");
            Assert.True(orange > 100, $"{orange} envelope pixels");
            Assert.True(black > 1000, $"{black} axis and text pixels");
            Assert.Single(Directory.GetFiles(dir));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void PlotsAnEmptyCurve()
    {
        var empty = DetectionEvaluator.Evaluate([Image("1", [Gt(0, 0, 1, 1)])], ["cat"]).Curves[0];
        using var image = PrecisionRecallPlot.Render(empty);
        Assert.Equal(PrecisionRecallPlot.Width, image.Width);
    }

    [Fact]
    public void EnvelopeSitsAtTheInterpolatedPrecision()
    {
        // Curve (1/3, 1), (1/3, 1/2), (2/3, 2/3): the envelope is at precision 1 over recall 0 … 1/3.
        using var image = PrecisionRecallPlot.Render(Curve());
        const int left = 70, top = 44, plotW = PrecisionRecallPlot.Width - 70 - 24;
        int x = left + plotW / 6;
        Assert.Equal(Orange, image[x, top]);
    }
}
