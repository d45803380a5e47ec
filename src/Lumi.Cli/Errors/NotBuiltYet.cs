using Lumi.Data.Errors;

namespace Lumi.Cli.Errors;

/// <summary>The failure of a command whose issue has not landed yet.</summary>
public static class NotBuiltYet
{
    public static UnavailableException Command(string name, int issue) =>
        new($"lumi {name} is not built yet (tracked in issue {issue})");

    /// <summary>A command action that only reports that the command is not built yet.</summary>
    public static Func<System.CommandLine.ParseResult, int> Action(string name, int issue) =>
        _ => throw Command(name, issue);
}
