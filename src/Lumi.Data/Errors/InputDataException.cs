namespace Lumi.Data.Errors;

/// <summary>An input file (dataset, image, class list, checkpoint) is missing or malformed (exit code 3).</summary>
public sealed class InputDataException : LumiException
{
    public InputDataException(string message, Exception? inner = null) : base(message, inner) { }
}
