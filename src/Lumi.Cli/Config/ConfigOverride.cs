using Lumi.Data.Errors;

namespace Lumi.Cli.Config;

/// <summary>One <c>-o key.path=value</c>: the value is read as a YAML flow value (<c>0.5</c>, <c>true</c>, <c>[32, 64]</c>).</summary>
public sealed record ConfigOverride(IReadOnlyList<string> Path, ConfigNode Value)
{
    public static ConfigOverride Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq < 0)
        {
            throw new UsageException($"-o {text}: expected key.path=value, e.g. -o model.rpn.nms_threshold=0.6");
        }
        string key = text[..eq].Trim();
        string[] path = key.Split('.');
        if (key.Length == 0 || path.Any(p => p.Length == 0 || p.Any(char.IsWhiteSpace)))
        {
            throw new UsageException($"-o {text}: '{key}' is not a key path; expected key.path=value, e.g. -o model.rpn.nms_threshold=0.6");
        }
        string source = $"-o {text}";
        return new ConfigOverride(path, ConfigYaml.ParseValue(text[(eq + 1)..], source));
    }

    public ConfigMap ApplyTo(ConfigMap tree) => ConfigMerger.SetPath(tree, Path, Value);
}
