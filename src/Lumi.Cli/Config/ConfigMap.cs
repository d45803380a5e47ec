namespace Lumi.Cli.Config;

/// <summary>A YAML mapping with string keys, in the order they were written.</summary>
public sealed class ConfigMap : ConfigNode
{
    private readonly List<KeyValuePair<string, ConfigNode>> _entries;

    public ConfigMap(IEnumerable<KeyValuePair<string, ConfigNode>> entries)
    {
        _entries = entries.ToList();
    }

    public static ConfigMap Empty { get; } = new(Array.Empty<KeyValuePair<string, ConfigNode>>());

    public IReadOnlyList<KeyValuePair<string, ConfigNode>> Entries => _entries;

    public IEnumerable<string> Keys => _entries.Select(e => e.Key);

    public ConfigNode? this[string key] => _entries.FirstOrDefault(e => e.Key == key).Value;

    /// <summary>A copy with <paramref name="key"/> set to <paramref name="value"/> (replaced in place, or appended).</summary>
    public ConfigMap With(string key, ConfigNode value)
    {
        var entries = new List<KeyValuePair<string, ConfigNode>>(_entries);
        int i = entries.FindIndex(e => e.Key == key);
        if (i >= 0)
        {
            entries[i] = new(key, value);
        }
        else
        {
            entries.Add(new(key, value));
        }
        return new ConfigMap(entries) { Source = Source };
    }

    public override string Describe() =>
        "{" + string.Join(", ", _entries.Select(e => $"{e.Key}: {e.Value.Describe()}")) + "}";
}
