using System.CommandLine;
using Lumi.Cli.Errors;

namespace Lumi.Cli.Commands;

/// <summary>
/// A command whose issue has not landed yet but whose options already work: the configuration is merged and
/// validated (<c>--print-config</c> shows it), <c>--device</c> and <c>--classes</c> are checked, then the command
/// says it is not built yet. Each command replaces this with its own action when its issue lands.
/// </summary>
public static class PlannedCommand
{
    public static Command Create(string name, string description, int issue, bool takesClasses)
    {
        var command = new Command(name, description);
        var config = new ConfigOptions();
        config.AddTo(command);
        var device = CommonOptions.Device();
        command.Options.Add(device);
        var classes = takesClasses ? CommonOptions.Classes() : null;
        if (classes is not null) command.Options.Add(classes);
        command.SetAction(int (ParseResult result) =>
        {
            var loaded = config.Load(result);
            if (classes is not null) CommonOptions.GetClasses(result, classes);
            _ = result.GetValue(device); // checked while parsing; each backend resolves it when the command runs
            if (config.PrintIfAsked(result, loaded))
            {
                return ExitCodes.Ok;
            }
            throw NotBuiltYet.Command(name, issue);
        });
        return command;
    }
}
