using System.CommandLine;
using System.Reflection;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Lumi.Cli.Commands;
using Lumi.Cli.Errors;

namespace Lumi.Cli;

/// <summary>The <c>lumi</c> command tree and its one entry point, callable in-process (tests pass their own writers).</summary>
public static class LumiCli
{
    public const string Description =
        "Lumi: object detection for .NET. Train a Faster R-CNN with TorchSharp, export it to ONNX, predict with ONNX Runtime.";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        Option<bool> verbose = CommonOptions.Verbose();
        RootCommand root = Build(verbose);
        ParseResult result = root.Parse(args);
        if (result.Action is ParseErrorAction)
        {
            string command = CommandPath(result);
            foreach (ParseError error in result.Errors)
            {
                stderr.WriteLine($"{command}: {error.Message}");
            }
            stderr.WriteLine($"See '{command} --help'.");
            return ExitCodes.Usage;
        }
        try
        {
            return result.Invoke(new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false,
            });
        }
        catch (Exception e)
        {
            return ErrorReporter.Report(e, result.GetValue(verbose), stderr);
        }
    }

    public static RootCommand Build(Option<bool> verbose)
    {
        var root = new RootCommand(Description);
        foreach (VersionOption version in root.Options.OfType<VersionOption>())
        {
            version.Action = new PrintVersionAction();
        }
        root.Options.Add(verbose);
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(CheckpointCommand.Create());
        root.Subcommands.Add(DatasetCommand.Create());
        root.Subcommands.Add(ServerCommand.Create());
        root.Subcommands.Add(QuickstartCommand.Create());
        return root;
    }

    /// <summary>The informational version of Lumi itself (not of whatever process hosts it).</summary>
    public static string Version { get; } =
        typeof(LumiCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private sealed class PrintVersionAction : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Version);
            return ExitCodes.Ok;
        }
    }

    /// <summary>"lumi", or "lumi train" when the error is inside a command.</summary>
    private static string CommandPath(ParseResult result)
    {
        var names = new List<string>();
        for (SymbolResult? s = result.CommandResult; s != null; s = s.Parent)
        {
            if (s is CommandResult { Command: not RootCommand } c)
            {
                names.Insert(0, c.Command.Name);
            }
        }
        names.Insert(0, "lumi");
        return string.Join(' ', names);
    }
}
