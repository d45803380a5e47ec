using Lumi.Cli.Config;
using Lumi.Cli.Errors;

namespace Lumi.Cli.Tests.Commands;

/// <summary>The entry point run in-process: help, version, exit codes, one-line errors.</summary>
public sealed class CliTests
{
    public static readonly TheoryData<string, int> Commands = new()
    {
        { "train", 8 }, { "eval", 7 }, { "export", 4 }, { "predict", 5 },
        { "checkpoint", 6 }, { "dataset", 9 }, { "server", 9 }, { "quickstart", 9 },
    };

    [Fact]
    public void HelpListsEveryCommand()
    {
        var (code, stdout, stderr) = CliRunner.Run("--help");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Empty(stderr);
        Assert.Contains("Usage:", stdout);
        foreach (string command in Commands.Select(row => (string)row[0]))
        {
            Assert.Contains($"  {command} ", stdout);
        }
    }

    [Fact]
    public void VersionPrintsTheVersion()
    {
        var (code, stdout, _) = CliRunner.Run("--version");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("0.1.0", stdout.Trim());
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void EveryCommandHasHelp(string command, int issue)
    {
        _ = issue;
        var (code, stdout, stderr) = CliRunner.Run(command, "--help");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Empty(stderr);
        Assert.Contains($" {command} [", stdout);
        Assert.Contains("--verbose", stdout);
    }

    [Theory]
    [InlineData("train")]
    [InlineData("eval")]
    [InlineData("predict")]
    public void ConfigErrorsAreUsageErrorsWithTheExactMessage(string command)
    {
        var (code, stdout, stderr) = CliRunner.Run(command, "-o", "model.rpn.nms_threshold=1.7", "--override", "train.optimizr=sgd");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Empty(stdout);
        Assert.Equal(
            "model.rpn.nms_threshold: 1.7 is out of range [0, 1]" + Environment.NewLine
            + "train.optimizr: unknown key; did you mean train.optimizer?\n",
            stderr);
    }

    [Fact]
    public void ConfigFilesRepeatAndPrintConfigWritesTheMergedYaml()
    {
        using var files = new TempFiles();
        string a = files.Write("a.yml", "train:\n  epochs: 3\n  batch_size: 4\n");
        string b = files.Write("b.yml", "train:\n  epochs: 5\n");
        var (code, stdout, stderr) = CliRunner.Run("train", "-c", a, "--config", b, "-o", "train.seed=7", "--print-config");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Empty(stderr);
        Assert.Contains($"# Layers, later wins: configs/fasterrcnn/base.yml, {a}, {b}, -o train.seed=7\n", stdout);
        LumiConfig printed = ConfigLoader.Bind(ConfigYaml.Parse(stdout, "stdout")).Options;
        Assert.Equal((5, 4, 7), (printed.Train.Epochs, printed.Train.BatchSize, printed.Train.Seed));
    }

    [Fact]
    public void MalformedConfigFileIsAUsageErrorNamingThePosition()
    {
        using var files = new TempFiles();
        string bad = files.Write("bad.yml", "train:\n  epochs: [1, 2\n");
        var (code, _, stderr) = CliRunner.Run("train", "-c", bad);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith($"{bad}:3:1: malformed YAML: ", stderr);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("train", "--no-such-option")]
    [InlineData("predict", "--device", "gpu")]
    [InlineData("train", "--device", "cuda:x")]
    public void BadCommandLinesAreUsageErrors(params string[] args)
    {
        var (code, stdout, stderr) = CliRunner.Run(args);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Empty(stdout);
        Assert.EndsWith("--help'.\n", stderr);
    }

    [Fact]
    public void BadDeviceNamesTheChoices()
    {
        var (_, _, stderr) = CliRunner.Run("predict", "--device", "gpu");
        Assert.Equal(
            "lumi predict: --device: 'gpu' is not a device; use auto, cpu, cuda or cuda:N (N = 0, 1, ...)\nSee 'lumi predict --help'.\n",
            stderr);
    }

    [Fact]
    public void NoCommandIsAUsageError()
    {
        var (code, _, stderr) = CliRunner.Run();
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("lumi: Required command was not provided.\nSee 'lumi --help'.\n", stderr);
    }

    [Fact]
    public void AMissingClassesFileIsBadInputData()
    {
        var (code, _, stderr) = CliRunner.Run("train", "--classes", "/nonexistent/classes.txt");
        Assert.Equal(ExitCodes.InputData, code);
        Assert.Equal("--classes: file '/nonexistent/classes.txt' not found; use a preset (voc, coco), a file with one name per line, or a comma-separated list\n", stderr);
    }

    [Fact]
    public void AClassesFileWithADuplicateIsBadInputDataNamingTheLine()
    {
        using var files = new TempFiles();
        string list = files.Write("classes.txt", "cat\ndog\ncat\n");
        var (code, _, stderr) = CliRunner.Run("eval", "--classes", list);
        Assert.Equal(ExitCodes.InputData, code);
        Assert.Equal($"{list}:3: duplicate class name 'cat' (first on line 1)\n", stderr);
    }

    [Fact]
    public void VerboseAddsTheStackTrace()
    {
        var (code, _, stderr) = CliRunner.Run("server", "web", "--model", "/nonexistent/model.onnx", "--device", "cpu", "--verbose");
        Assert.Equal(ExitCodes.InputData, code);
        string[] lines = stderr.TrimEnd('\n').Split('\n');
        Assert.Equal("/nonexistent/model.onnx: no such model file; give the path of a graph written by 'lumi export'", lines[0]);
        Assert.Contains(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }
}
