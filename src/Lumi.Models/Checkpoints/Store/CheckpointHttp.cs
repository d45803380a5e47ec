using System.Net;
using System.Net.Sockets;
using Lumi.Data.Errors;

namespace Lumi.Models.Checkpoints.Store;

/// <summary>The HTTP client of the store (one per process) and the messages its failures become.</summary>
internal static class CheckpointHttp
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    public static HttpClient Shared { get; } = Create();

    public static HttpClient Create() => new(new SocketsHttpHandler
    {
        ConnectTimeout = ConnectTimeout,
        AutomaticDecompression = DecompressionMethods.None,
        AllowAutoRedirect = true,
    })
    {
        // Large files take long; a stalled transfer is caught per read (see CheckpointDownloader.IdleTimeout).
        Timeout = Timeout.InfiniteTimeSpan,
        DefaultRequestHeaders = { { "User-Agent", $"lumi/{CheckpointInfo.CurrentLumiVersion}" } },
    };

    /// <summary>A failure to reach <paramref name="url"/> at all (nothing received): exit code 5, what to check.</summary>
    public static UnavailableException Unreachable(Uri url, Exception e, string what) =>
        new($"{what}: cannot reach {url}: {Reason(e)}; check the network connection and the URL", e);

    /// <summary>An HTTP error status from <paramref name="url"/>: exit code 3 for 4xx (the index or URL is wrong), 5 for the rest.</summary>
    public static LumiException Status(Uri url, HttpResponseMessage response, string what)
    {
        int code = (int)response.StatusCode;
        string message = $"{what}: HTTP {code} {response.ReasonPhrase} from {url}";
        return code is >= 400 and < 500
            ? new InputDataException(message + (code == 404 ? " (no such file on the server: the index entry's url is wrong or the file was removed)" : ""))
            : new UnavailableException(message + " (a server error; try again later)");
    }

    public static string Reason(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is SocketException s) return $"{s.Message} ({s.SocketErrorCode})";
        }
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is TimeoutException or TaskCanceledException or OperationCanceledException) return "timed out";
        }
        return (e.InnerException ?? e).Message;
    }
}
