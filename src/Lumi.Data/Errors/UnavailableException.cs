namespace Lumi.Data.Errors;

/// <summary>
/// What was asked for is not available here: a command not built yet, or a device or runtime
/// this machine lacks (exit code 5).
/// </summary>
public sealed class UnavailableException : LumiException
{
    public UnavailableException(string message, Exception? inner = null) : base(message, inner) { }
}
