using Lumi.Data.Errors;

namespace Lumi.Cli.Commands;

/// <summary>
/// Asks a yes/no question on the terminal. Where stdin is not a terminal nothing can be asked: the command must be
/// told with its <c>--yes</c> option. Tests replace <see cref="Input"/> and <see cref="IsInteractive"/>.
/// </summary>
public static class Confirmation
{
    public static Func<TextReader> Input { get; set; } = () => Console.In;

    public static Func<bool> IsInteractive { get; set; } = () => !Console.IsInputRedirected;

    /// <summary>True when the answer is y or yes (any case); anything else, or end of input, is no.</summary>
    /// <exception cref="UsageException">stdin is not a terminal.</exception>
    public static bool Ask(TextWriter prompt, string question, string yesOption)
    {
        if (!IsInteractive())
            throw new UsageException($"{question}: stdin is not a terminal, so lumi cannot ask; pass {yesOption} to go ahead without asking");
        prompt.Write($"{question} [y/N] ");
        prompt.Flush();
        string? answer = Input().ReadLine()?.Trim();
        return answer is not null && (answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase));
    }
}
