using System.Net;
using Lumi.Data.Errors;
using Lumi.Data.Imaging;

namespace Lumi.Server;

/// <summary>Where <see cref="WebServer"/> listens and the limits it enforces. Every setting has a default fit for one user on a laptop.</summary>
public sealed record WebServerOptions
{
    public const string DefaultHost = "127.0.0.1";
    public const int DefaultPort = 5000;

    /// <summary>An IP address (IPv4 or IPv6) or <c>localhost</c>; only this machine can connect by default.</summary>
    public string Host { get; init; } = DefaultHost;

    /// <summary>The TCP port; 0 picks a free one (see <see cref="WebServer.Url"/>).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>The largest request body accepted, in bytes (the whole multipart upload); larger ones get 413.</summary>
    public long MaxUploadBytes { get; init; } = 32L << 20;

    /// <summary>The largest image decoded, in pixels (width × height, read from the header before decoding); larger ones get 413.</summary>
    public long MaxPixels { get; init; } = ImageDecoder.DefaultMaxPixels;

    /// <summary>Predictions that run at the same time (decode and graph); the ONNX Runtime session is shared by all of them.</summary>
    public int Concurrency { get; init; } = 2;

    /// <summary>Prediction requests that may wait for a free slot; beyond them the server answers 503 at once.</summary>
    public int QueueLength { get; init; } = 64;

    /// <summary>The most <see cref="MaxUploadBytes"/> may be (an upload is held in memory while it is decoded).</summary>
    public const long UploadLimitCeiling = 1L << 30;

    /// <summary>
    /// Checks every setting; a <see cref="UsageException"/> names the option of <c>lumi server web</c> and the rule it breaks.
    /// Returns the address to bind, null for <c>localhost</c> (both loopbacks).
    /// </summary>
    public IPAddress? Validate()
    {
        if (Port is < 0 or > 65535)
            throw new UsageException($"--port: {Port} is out of range [0, 65535] (0 picks a free port)");
        if (MaxUploadBytes is < 1 or > UploadLimitCeiling)
            throw new UsageException($"--max-upload-mb: {MaxUploadBytes} bytes is out of range [1 byte, {UploadLimitCeiling >> 20} MiB]");
        if (MaxPixels < 1)
            throw new UsageException($"--max-pixels: {MaxPixels} must be at least 1");
        if (Concurrency < 1)
            throw new UsageException($"--concurrency: {Concurrency} must be at least 1");
        if (QueueLength < 0)
            throw new UsageException($"--queue: {QueueLength} must be 0 or more");
        if (string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase)) return null;
        if (IPAddress.TryParse(Host.Trim('[', ']'), out IPAddress? address)) return address;
        throw new UsageException($"--host: '{Host}' is not an IP address (such as 127.0.0.1, 0.0.0.0 or ::1) or 'localhost'");
    }
}
