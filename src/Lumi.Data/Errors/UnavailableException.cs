namespace Lumi.Data.Errors;

/// <summary>
/// What was asked for is not available here: a device, runtime or file this machine lacks, or a port already taken
/// (exit code 5).
/// </summary>
public sealed class UnavailableException : LumiException
{
    public UnavailableException(string message, Exception? inner = null) : base(message, inner) { }
}
