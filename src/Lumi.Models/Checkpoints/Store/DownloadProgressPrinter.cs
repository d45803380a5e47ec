using System.Globalization;

namespace Lumi.Models.Checkpoints.Store;

/// <summary>Download progress as lines (bytes, percent, rate, time left), at most once a second and once at the end.</summary>
public sealed class DownloadProgressPrinter(Action<string> write, string label)
{
    private TimeSpan _last = TimeSpan.FromDays(-1);

    public void Report(DownloadProgress p)
    {
        if (!p.Done && p.Elapsed - _last < TimeSpan.FromSeconds(1)) return;
        _last = p.Elapsed;
        write(Format(p, label));
    }

    public static string Format(DownloadProgress p, string label)
    {
        double seconds = Math.Max(p.Elapsed.TotalSeconds, 1e-3);
        double rate = p.ReceivedThisRun / seconds;
        string amount = p.Total is long total
            ? string.Create(CultureInfo.InvariantCulture, $"{Megabytes(p.Received)} of {Megabytes(total)} MB ({(total > 0 ? 100.0 * p.Received / total : 100):F0} %)")
            : $"{Megabytes(p.Received)} MB";
        string tail = p.Done
            ? string.Create(CultureInfo.InvariantCulture, $"done in {seconds:F1} s")
            : p.Total is long t && rate > 0 ? string.Create(CultureInfo.InvariantCulture, $"{(t - p.Received) / rate:F0} s left") : "";
        return string.Create(CultureInfo.InvariantCulture, $"{label}: {amount}, {rate / 1e6:F1} MB/s{(tail.Length > 0 ? ", " + tail : "")}");
    }

    private static string Megabytes(long bytes) => (bytes / 1e6).ToString("F1", CultureInfo.InvariantCulture);
}
