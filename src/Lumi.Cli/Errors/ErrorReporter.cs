using Lumi.Data.Errors;

namespace Lumi.Cli.Errors;

/// <summary>
/// The top-level handler: a known failure is its message on stderr (one line per problem), an
/// unexpected one a single line that says so; the stack trace only with <c>--verbose</c>.
/// </summary>
public static class ErrorReporter
{
    public static int Report(Exception exception, bool verbose, TextWriter stderr)
    {
        if (exception is LumiException known)
        {
            stderr.WriteLine(known.Message);
        }
        else
        {
            string hint = verbose ? "" : " (rerun with --verbose for the stack trace)";
            stderr.WriteLine($"internal error: {exception.GetType().Name}: {FirstLine(exception.Message)}{hint}; please report it");
        }
        if (verbose)
        {
            stderr.WriteLine(exception.ToString());
        }
        return ExitCodes.For(exception);
    }

    private static string FirstLine(string message)
    {
        int newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
