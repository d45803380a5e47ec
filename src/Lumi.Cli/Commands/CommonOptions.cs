using System.CommandLine;
using System.CommandLine.Parsing;
using Lumi.Data.Classes;
using Lumi.Data.Devices;
using Lumi.Data.Errors;

namespace Lumi.Cli.Commands;

/// <summary>Options that mean the same on every command that has them. Each call makes a new instance (an option belongs to one command).</summary>
public static class CommonOptions
{
    public static Option<bool> Verbose() => new("--verbose")
    {
        Description = "On failure, print the stack trace after the message.",
        Recursive = true,
    };

    public static Option<DeviceSpec> Device() => new("--device")
    {
        Description = "Where to run: auto (CUDA when usable, else CPU with a notice), cpu, cuda, or cuda:N.",
        HelpName = "auto|cpu|cuda|cuda:N",
        DefaultValueFactory = _ => DeviceSpec.Auto,
        CustomParser = ParseDevice,
    };

    public static Option<string?> Classes() => new("--classes")
    {
        Description = "Class names: a preset (voc, coco), a file with one name per line, or a comma-separated list.",
        HelpName = "voc|coco|FILE|a,b,c",
    };

    /// <summary>The class list given with <c>--classes</c>, or null when the option is absent.</summary>
    public static ClassList? GetClasses(ParseResult result, Option<string?> option) =>
        result.GetValue(option) is string spec ? ClassList.Parse(spec) : null;

    private static DeviceSpec ParseDevice(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "auto";
        try
        {
            return DeviceSpec.Parse(text);
        }
        catch (UsageException e)
        {
            result.AddError(e.Message);
            return DeviceSpec.Auto;
        }
    }
}
