namespace Lumi.Cli.Config;

/// <summary>A YAML sequence. Lists are replaced, never merged item by item.</summary>
public sealed class ConfigList : ConfigNode
{
    public ConfigList(IEnumerable<ConfigNode> items) => Items = items.ToArray();

    public IReadOnlyList<ConfigNode> Items { get; }

    public override string Describe() => "[" + string.Join(", ", Items.Select(i => i.Describe())) + "]";
}
