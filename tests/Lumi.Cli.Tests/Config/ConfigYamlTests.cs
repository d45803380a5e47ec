using Lumi.Cli.Config;
using Lumi.Data.Errors;

namespace Lumi.Cli.Tests.Config;

public sealed class ConfigYamlTests
{
    [Theory]
    [InlineData("train:\n  epochs: 3\n batch_size: 2\n", 3, 2)]
    [InlineData("train:\n  epochs: [1, 2\n", 3, 1)]
    [InlineData("train: {epochs: 3\n", 2, 1)]
    [InlineData("train:\n  epochs: 3\n  epochs: 4\n", 3, 3)]
    public void MalformedYamlNamesFileLineAndColumn(string text, int line, int column)
    {
        using var files = new TempFiles();
        string path = files.Write("bad.yml", text);
        var e = Assert.Throws<UsageException>(() => ConfigLoader.Load([path], []));
        Assert.StartsWith($"{path}:{line}:{column}: malformed YAML: ", e.Message);
        Assert.DoesNotContain("Idx:", e.Message);
    }

    [Fact]
    public void TopLevelMustBeAMap()
    {
        var e = Assert.Throws<UsageException>(() => ConfigYaml.Parse("- 1\n- 2\n", "list.yml"));
        Assert.Equal("list.yml:1:1: the top level of a configuration file must be a map of keys", e.Message);
    }

    [Fact]
    public void SeveralDocumentsAreRejected()
    {
        var e = Assert.Throws<UsageException>(() => ConfigYaml.Parse("a: 1\n---\nb: 2\n", "two.yml"));
        Assert.Equal("two.yml: holds 2 YAML documents; a configuration file holds one", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("~\n")]
    public void AnEmptyFileIsAnEmptyMap(string text)
    {
        Assert.Empty(ConfigYaml.Parse(text, "empty.yml").Entries);
    }

    [Fact]
    public void NodesRememberWhereTheyWereWritten()
    {
        ConfigMap map = ConfigYaml.Parse("train:\n  epochs: 3\n", "run.yml");
        var train = Assert.IsType<ConfigMap>(map["train"]);
        Assert.Equal("run.yml:2:11", train["epochs"]!.Source);
    }

    [Fact]
    public void WriteQuotesWhatWouldOtherwiseReadDifferently()
    {
        ConfigMap map = ConfigYaml.Parse("a: 'true'\nb: 'x: y'\nc: plain text\nd: \"it's\"\ne: ~\nf: []\ng: {}\n", "q.yml");
        Assert.Equal("a: 'true'\nb: 'x: y'\nc: plain text\nd: 'it''s'\ne: null\nf: []\ng: {}\n", ConfigYaml.Write(map));
    }

    [Fact]
    public void ListsOfMapsAreWrittenAsBlocks()
    {
        ConfigMap map = ConfigYaml.Parse("augment:\n  - {flip: {p: 0.5}, q: 1}\n  - [1, 2]\n", "l.yml");
        string yaml = ConfigYaml.Write(map);
        Assert.Equal("augment:\n  - flip:\n      p: 0.5\n    q: 1\n  - [1, 2]\n", yaml);
        Assert.Equal(yaml, ConfigYaml.Write(ConfigYaml.Parse(yaml, "again.yml")));
    }
}
