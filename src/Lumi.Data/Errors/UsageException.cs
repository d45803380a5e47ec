namespace Lumi.Data.Errors;

/// <summary>The command line or the configuration asks for something invalid (exit code 2).</summary>
public sealed class UsageException : LumiException
{
    public UsageException(string message, Exception? inner = null) : base(message, inner) { }
}
