using System.Reflection;

namespace Lumi.Cli.Config;

/// <summary>A merged, validated configuration: the tree as merged (what a run writes next to its checkpoints) and the bound records.</summary>
public sealed record LoadedConfig(ConfigMap Tree, LumiConfig Options)
{
    /// <summary>The merged configuration as YAML, with a header saying where it came from.</summary>
    public string ToYaml(IEnumerable<string>? sources = null)
    {
        string version = typeof(LoadedConfig).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
        string header = $"Merged Lumi configuration (lumi {version}).";
        if (sources != null)
        {
            header += "\nLayers, later wins: " + string.Join(", ", sources);
        }
        return ConfigYaml.Write(Tree, header);
    }

    /// <summary>Writes <see cref="ToYaml"/> to <paramref name="path"/> through a temporary name and a rename.</summary>
    public void WriteTo(string path, IEnumerable<string>? sources = null)
    {
        string temp = path + ".tmp";
        File.WriteAllText(temp, ToYaml(sources));
        File.Move(temp, path, overwrite: true);
    }
}
