using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lumi.Tests.Http;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 for download tests, on a raw socket so that it can do what real servers do
/// when things go wrong: drop the connection in the middle of a body, honour or ignore <c>Range</c>, answer 404.
/// One request per connection (<c>Connection: close</c>). Every request's path and <c>Range</c> header is recorded.
/// </summary>
public sealed class TestHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<string, Route> _routes = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public TestHttpServer()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptLoop);
    }

    public int Port { get; }

    /// <summary>Requests received, in order: (path, Range header or null).</summary>
    public ConcurrentQueue<(string Path, string? Range)> Requests { get; } = new();

    public string Url(string path) => $"http://127.0.0.1:{Port}/{path.TrimStart('/')}";

    /// <summary>Serves <paramref name="body"/> at <paramref name="path"/>.</summary>
    /// <param name="dropAfter">Send only this many bytes of the body (after a full Content-Length), then close the connection.</param>
    /// <param name="dropTimes">How many requests get dropped that way (then the route serves normally); -1: all of them.</param>
    /// <param name="ranges">Honour <c>Range: bytes=N-</c> with 206 (false: always the whole body with 200).</param>
    public void Serve(string path, byte[] body, long? dropAfter = null, int dropTimes = 1, bool ranges = true) =>
        _routes["/" + path.TrimStart('/')] = new Route(body, dropAfter, dropTimes, ranges);

    public void Serve(string path, string text) => Serve(path, Encoding.UTF8.GetBytes(text));

    /// <summary>A port on 127.0.0.1 that nothing listens on (bound, then released).</summary>
    public static int ClosedPort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The accept loop ends with the listener.
        }
        _stop.Dispose();
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => Handle(client));
        }
    }

    private async Task Handle(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var (path, range) = await ReadRequest(stream);
                if (path is null) return;
                Requests.Enqueue((path, range));
                if (!_routes.TryGetValue(path, out var route))
                {
                    await Write(stream, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    return;
                }
                byte[] body = route.Body;
                long start = 0;
                string status = "200 OK";
                string extra = route.Ranges ? "Accept-Ranges: bytes\r\n" : "";
                if (route.Ranges && range is not null && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
                {
                    start = long.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
                    if (start >= body.Length)
                    {
                        await Write(stream, $"HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{body.Length}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                        return;
                    }
                    status = "206 Partial Content";
                    extra += $"Content-Range: bytes {start}-{body.Length - 1}/{body.Length}\r\n";
                }
                long length = body.Length - start;
                await Write(stream, $"HTTP/1.1 {status}\r\nContent-Type: application/octet-stream\r\nContent-Length: {length}\r\n{extra}Connection: close\r\n\r\n");
                long send = length;
                if (route.DropAfter is long drop && route.TakeDrop()) send = Math.Min(length, Math.Max(0, drop - start));
                await stream.WriteAsync(body.AsMemory((int)start, (int)send));
                await stream.FlushAsync();
                // When send < length the connection now closes before the body is complete: a dropped transfer.
            }
            catch (IOException)
            {
                // The client went away.
            }
        }
    }

    private static async Task<(string? Path, string? Range)> ReadRequest(NetworkStream stream)
    {
        var buffer = new byte[8192];
        var text = new StringBuilder();
        while (!text.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            int n = await stream.ReadAsync(buffer);
            if (n == 0) return (null, null);
            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        var lines = text.ToString().Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length < 2) return (null, null);
        string? range = lines.Skip(1).Where(l => l.StartsWith("Range:", StringComparison.OrdinalIgnoreCase))
            .Select(l => l["Range:".Length..].Trim()).FirstOrDefault();
        return (Uri.UnescapeDataString(parts[1]), range);
    }

    private static Task Write(NetworkStream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    private sealed class Route(byte[] body, long? dropAfter, int dropTimes, bool ranges)
    {
        private int _dropsLeft = dropTimes;

        public byte[] Body { get; } = body;
        public long? DropAfter { get; } = dropAfter;
        public bool Ranges { get; } = ranges;

        public bool TakeDrop()
        {
            if (_dropsLeft < 0) return true;
            return Interlocked.Decrement(ref _dropsLeft) >= 0;
        }
    }
}
