using Lumi.Data.Errors;

namespace Lumi.Cli.Config;

/// <summary>
/// Builds the configuration of a run: the built-in <c>configs/fasterrcnn/base.yml</c>, then each
/// <c>-c FILE</c> in order (later wins, maps merge deeply), then each <c>-o key.path=value</c>; the
/// result is validated once, as a whole, before anything runs.
/// </summary>
public static class ConfigLoader
{
    public const string BaseName = "configs/fasterrcnn/base.yml";
    private const string BaseResource = "Lumi.Cli.Config.base.yml";

    /// <summary>The text of base.yml as built into the executable.</summary>
    public static string BaseText()
    {
        using Stream stream = typeof(ConfigLoader).Assembly.GetManifestResourceStream(BaseResource)
            ?? throw new InvalidOperationException($"{BaseResource} is not embedded in {typeof(ConfigLoader).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static ConfigMap BaseTree() => ConfigYaml.Parse(BaseText(), BaseName);

    public static LoadedConfig Load(IEnumerable<string> files, IEnumerable<string> overrides)
    {
        ConfigMap tree = BaseTree();
        foreach (string file in files)
        {
            tree = ConfigMerger.Merge(tree, ReadFile(file));
        }
        foreach (string text in overrides)
        {
            tree = ConfigOverride.Parse(text).ApplyTo(tree);
        }
        return Bind(tree);
    }

    /// <summary>Validates and binds a merged tree; all problems are reported together, one per line.</summary>
    public static LoadedConfig Bind(ConfigMap tree)
    {
        (LumiConfig options, IReadOnlyList<string> errors) = ConfigBinder.Bind(tree, new LumiConfig());
        if (errors.Count > 0)
        {
            throw new UsageException(string.Join(Environment.NewLine, errors));
        }
        return new LoadedConfig(tree, options);
    }

    public static ConfigMap ReadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UsageException($"-c {path}: file not found", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"-c {path}: cannot read: {e.Message}", e);
        }
        return ConfigYaml.Parse(text, path);
    }
}
