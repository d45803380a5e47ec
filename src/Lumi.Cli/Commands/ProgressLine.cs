using System.Diagnostics;
using System.Globalization;

namespace Lumi.Cli.Commands;

/// <summary>
/// Items done, rate and time left on stderr (<c>eval: 40/100 images, 12.5 images/s, 5 s left</c>), at most
/// once a second and once at the end. Safe to report from several threads.
/// </summary>
/// <remarks>Work whose size is known only once it starts reports <c>(done, total)</c> pairs.</remarks>
internal sealed class ProgressLine(TextWriter writer, string name, int total, string unit = "images") : IProgress<int>, IProgress<(int Done, int Total)>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private double _last = double.NegativeInfinity;
    private int _done;

    public void Report((int Done, int Total) value)
    {
        lock (_lock)
        {
            total = value.Total;
            Report(value.Done);
        }
    }

    public void Report(int done)
    {
        lock (_lock)
        {
            // Reports from parallel workers may arrive out of order: only ever move forward.
            if (done <= _done && done < total)
            {
                return;
            }
            _done = Math.Max(_done, done);
            double now = _clock.Elapsed.TotalSeconds;
            if (now - _last < 1 && _done < total)
            {
                return;
            }
            if (_done >= total && _last == double.PositiveInfinity)
            {
                return;
            }
            _last = _done >= total ? double.PositiveInfinity : now;
            double rate = _done / Math.Max(now, 1e-9);
            double left = rate > 0 ? (total - _done) / rate : 0;
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {_done}/{total} {unit}, {rate:F1} {unit}/s, {left:F0} s left"));
        }
    }

    /// <summary>Says <paramref name="whenEmpty"/> when there was nothing to do.</summary>
    public void Finish(string whenEmpty)
    {
        if (total == 0)
        {
            writer.WriteLine(whenEmpty);
        }
    }
}
