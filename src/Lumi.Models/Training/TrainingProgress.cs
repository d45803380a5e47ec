using System.Diagnostics;
using System.Globalization;

namespace Lumi.Models.Training;

/// <summary>
/// The progress bar on stderr: step/total, epoch, each loss term (smoothed), learning rate, images/s and time left,
/// at most once every few seconds.
/// </summary>
internal sealed class TrainingProgress(TextWriter writer, bool quiet, double seconds)
{
    private const int BarWidth = 20;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _last = double.NegativeInfinity;

    public void Report(int step, int total, int epoch, int epochs, IReadOnlyDictionary<string, double> losses, double lr, double imagesPerSecond, double secondsPerStep, bool force = false)
    {
        if (quiet)
        {
            return;
        }
        double now = _clock.Elapsed.TotalSeconds;
        if (!force && now - _last < seconds)
        {
            return;
        }
        _last = now;
        writer.WriteLine(Line(step, total, epoch, epochs, losses, lr, imagesPerSecond, secondsPerStep));
    }

    public static string Line(int step, int total, int epoch, int epochs, IReadOnlyDictionary<string, double> losses, double lr, double imagesPerSecond, double secondsPerStep)
    {
        var c = CultureInfo.InvariantCulture;
        int filled = total > 0 ? (int)Math.Round(BarWidth * (double)step / total) : 0;
        string bar = new string('#', Math.Clamp(filled, 0, BarWidth)).PadRight(BarWidth, '.');
        double sum = losses.Values.Sum();
        string terms = string.Join(" ", losses.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => string.Create(c, $"{ShortName(p.Key)} {p.Value:F3}")));
        TimeSpan eta = TimeSpan.FromSeconds(Math.Max(0, (total - step) * secondsPerStep));
        return string.Create(c,
            $"[{bar}] step {step}/{total} epoch {epoch}/{epochs} | loss {sum:F3} ({terms}) | lr {lr:G3} | {imagesPerSecond:F1} img/s | ETA {Format(eta)}");
    }

    private static string ShortName(string term) => term switch
    {
        "loss_classifier" => "cls",
        "loss_box_reg" => "box",
        "loss_objectness" => "obj",
        "loss_rpn_box_reg" => "rpn_box",
        _ => term,
    };

    private static string Format(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : t.TotalMinutes >= 1 ? $"{t.Minutes}m{t.Seconds:D2}s" : $"{t.Seconds}s";
}
