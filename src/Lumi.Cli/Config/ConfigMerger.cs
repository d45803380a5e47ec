namespace Lumi.Cli.Config;

/// <summary>Layers configuration trees: maps merge key by key, recursively; anything else is replaced.</summary>
public static class ConfigMerger
{
    public static ConfigMap Merge(ConfigMap lower, ConfigMap upper)
    {
        ConfigMap result = lower;
        foreach ((string key, ConfigNode value) in upper.Entries)
        {
            result = result.With(key, result[key] is ConfigMap a && value is ConfigMap b ? Merge(a, b) : value);
        }
        return result;
    }

    /// <summary>Sets the value at a dotted path, creating maps on the way (a non-map in the way is replaced).</summary>
    public static ConfigMap SetPath(ConfigMap root, IReadOnlyList<string> path, ConfigNode value)
    {
        if (path.Count == 1)
        {
            return root.With(path[0], value);
        }
        ConfigMap child = root[path[0]] as ConfigMap ?? ConfigMap.Empty;
        return root.With(path[0], SetPath(child, path.Skip(1).ToArray(), value));
    }
}
