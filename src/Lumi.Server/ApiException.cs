namespace Lumi.Server;

/// <summary>A request the server refuses: answered as <see cref="ApiError"/> with <see cref="StatusCode"/>.</summary>
internal sealed class ApiException(int statusCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public int StatusCode { get; } = statusCode;
}
