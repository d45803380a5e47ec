namespace Lumi.Data.Errors;

/// <summary>
/// A failure Lumi knows how to explain: the message is one line that says what failed, which
/// file or key, and what to do. The command line maps each kind to its own exit code
/// (see README, "Exit codes"); anything that is not a <see cref="LumiException"/> is an internal error.
/// </summary>
public abstract class LumiException : Exception
{
    protected LumiException(string message, Exception? inner = null) : base(message, inner) { }
}
