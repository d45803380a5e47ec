using System.CommandLine;
using Lumi.Cli.Config;

namespace Lumi.Cli.Commands;

/// <summary><c>-c/--config FILE</c> (repeatable), <c>-o/--override KEY=VALUE</c> (repeatable) and <c>--print-config</c>.</summary>
public sealed class ConfigOptions
{
    public Option<string[]> Files { get; } = new("--config", "-c")
    {
        Description = "A YAML configuration file; repeatable, later files win and maps merge deeply. configs/fasterrcnn/base.yml is always applied first.",
        HelpName = "FILE",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<string[]> Overrides { get; } = new("--override", "-o")
    {
        Description = "Set one configuration value, e.g. -o model.rpn.nms_threshold=0.6 or -o model.rpn.anchor_sizes=[16,32,64,128,256]; repeatable, applied after the files.",
        HelpName = "KEY=VALUE",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<bool> Print { get; } = new("--print-config")
    {
        Description = "Print the merged, validated configuration as YAML and exit.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Files);
        command.Options.Add(Overrides);
        command.Options.Add(Print);
    }

    /// <summary>Merges base.yml, the files and the overrides, and validates the result (a usage error otherwise).</summary>
    public LoadedConfig Load(ParseResult result) =>
        ConfigLoader.Load(result.GetValue(Files) ?? [], result.GetValue(Overrides) ?? []);

    /// <summary>With <c>--print-config</c>, writes the merged configuration to stdout and returns true.</summary>
    public bool PrintIfAsked(ParseResult result, LoadedConfig config)
    {
        if (!result.GetValue(Print))
        {
            return false;
        }
        IEnumerable<string> layers = new[] { ConfigLoader.BaseName }
            .Concat(result.GetValue(Files) ?? [])
            .Concat((result.GetValue(Overrides) ?? []).Select(o => "-o " + o));
        result.InvocationConfiguration.Output.Write(config.ToYaml(layers));
        return true;
    }
}
