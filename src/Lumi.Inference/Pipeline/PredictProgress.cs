using System.Globalization;
using System.Diagnostics;

namespace Lumi.Inference.Pipeline;

/// <summary>Progress of a prediction run on stderr: images done, images/s and time left, at most once a second and once at the end.</summary>
public sealed class PredictProgress(TextWriter writer, int total)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _last;

    public void Report(int done)
    {
        double now = _clock.Elapsed.TotalSeconds;
        if (now - _last < 1 && done < total) return;
        _last = now;
        double rate = done / Math.Max(now, 1e-9);
        double left = rate > 0 ? (total - done) / rate : 0;
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"predict: {done}/{total} images, {rate:F1} images/s, {left:F0} s left"));
    }
}
