namespace Lumi.Cli.Quickstart;

/// <summary>One real <c>lumi</c> command of the quickstart: a title and the arguments, as a user would type them.</summary>
public sealed record QuickstartStep(string Title, IReadOnlyList<string> Arguments)
{
    /// <summary>The command line as it would be typed in a shell (arguments with spaces quoted).</summary>
    public string CommandLine => "lumi " + string.Join(' ', Arguments.Select(Quote));

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsLetterOrDigit(c) || "-_./=:@,+".Contains(c))
            ? argument
            : "'" + argument.Replace("'", "'\\''") + "'";
}
