using System.Text.RegularExpressions;
using Lumi.Cli.Config;

namespace Lumi.Cli.Tests.Config;

/// <summary>configs/fasterrcnn/base.yml and the option records agree key for key and value for value.</summary>
public sealed class BaseConfigTests
{
    private static readonly string BasePath = Path.Combine(RepoPaths.Root, "configs", "fasterrcnn", "base.yml");

    [Fact]
    public void BaseYmlHasExactlyTheRecordsKeysInTheirOrder()
    {
        ConfigMap tree = ConfigYaml.Parse(File.ReadAllText(BasePath), BasePath);
        Assert.Equal(ConfigSchema.KeyPaths(typeof(LumiConfig)), LeafPaths(tree, ""));
    }

    [Fact]
    public void BindingBaseYmlAloneGivesTheRecordsDefaults()
    {
        LoadedConfig loaded = ConfigLoader.Bind(ConfigYaml.Parse(File.ReadAllText(BasePath), BasePath));
        Assert.Equal(
            ConfigYaml.Write(RecordTree.FromRecord(new LumiConfig())),
            ConfigYaml.Write(RecordTree.FromRecord(loaded.Options)));
    }

    [Fact]
    public void TheBuiltInBaseIsTheRepositoryFile()
    {
        Assert.Equal(File.ReadAllText(BasePath), ConfigLoader.BaseText());
    }

    [Fact]
    public void EveryKeyIsCommented()
    {
        string[] lines = File.ReadAllLines(BasePath);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            bool isKey = Regex.IsMatch(line, @"^\s*[a-z_0-9]+:");
            bool commented = line.Contains(" # ", StringComparison.Ordinal)
                || (i > 0 && lines[i - 1].TrimStart().StartsWith('#'))
                || Regex.IsMatch(line, @"^[a-z]+:\s*$"); // a top-level section is named for its record
            Assert.True(!isKey || commented, $"base.yml line {i + 1} has no comment: {line}");
        }
    }

    [Theory]
    [InlineData("NmsThreshold", "nms_threshold")]
    [InlineData("PreNmsTopN", "pre_nms_top_n")]
    [InlineData("RoiHeads", "roi_heads")]
    [InlineData("Tf32", "tf32")]
    [InlineData("MaxPixels", "max_pixels")]
    [InlineData("IOUThreshold", "iou_threshold")]
    public void PropertyNamesMapToSnakeCase(string property, string key)
    {
        Assert.Equal(key, ConfigSchema.SnakeCase(property));
    }

    private static IEnumerable<string> LeafPaths(ConfigMap map, string prefix)
    {
        foreach ((string key, ConfigNode value) in map.Entries)
        {
            string path = prefix.Length == 0 ? key : $"{prefix}.{key}";
            if (value is ConfigMap m)
            {
                foreach (string p in LeafPaths(m, path))
                {
                    yield return p;
                }
            }
            else
            {
                yield return path;
            }
        }
    }
}
