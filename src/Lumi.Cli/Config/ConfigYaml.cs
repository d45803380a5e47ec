using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Lumi.Data.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lumi.Cli.Config;

/// <summary>Reads YAML into a <see cref="ConfigNode"/> tree and writes a tree back as YAML.</summary>
public static partial class ConfigYaml
{
    /// <summary>Parses one YAML document whose top level is a map; an empty document is an empty map.</summary>
    /// <param name="text">The YAML text.</param>
    /// <param name="source">The file name (or other origin) used in messages.</param>
    public static ConfigMap Parse(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new UsageException(
                $"{source}:{e.Start.Line.ToString(CultureInfo.InvariantCulture)}:{e.Start.Column.ToString(CultureInfo.InvariantCulture)}: malformed YAML: {Reason(e)}", e);
        }
        if (stream.Documents.Count == 0)
        {
            return ConfigMap.Empty;
        }
        if (stream.Documents.Count > 1)
        {
            throw new UsageException($"{source}: holds {stream.Documents.Count} YAML documents; a configuration file holds one");
        }
        YamlNode root = stream.Documents[0].RootNode;
        if (root is YamlScalarNode { Value: null or "" or "~" or "null" } && root.Tag.IsEmpty)
        {
            return ConfigMap.Empty;
        }
        if (Convert(root, source) is not ConfigMap map)
        {
            throw new UsageException($"{Where(source, root)}: the top level of a configuration file must be a map of keys");
        }
        return map;
    }

    /// <summary>Parses the value of an <c>-o key=value</c> override as a YAML flow value (<c>0.5</c>, <c>true</c>, <c>[32, 64]</c>, <c>'text'</c>).</summary>
    public static ConfigNode ParseValue(string text, string source)
    {
        if (text.Trim().Length == 0)
        {
            return new ConfigScalar("") { Source = source };
        }
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new UsageException($"{source}: malformed value: {Reason(e)}", e);
        }
        if (stream.Documents.Count != 1)
        {
            throw new UsageException($"{source}: malformed value");
        }
        return Convert(stream.Documents[0].RootNode, source, positions: false);
    }

    private static ConfigNode Convert(YamlNode node, string source, bool positions = true)
    {
        string where = positions ? Where(source, node) : source;
        switch (node)
        {
            case YamlScalarNode s:
                return new ConfigScalar(s.Value ?? "", s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted) { Source = where };
            case YamlSequenceNode seq:
                return new ConfigList(seq.Children.Select(c => Convert(c, source, positions))) { Source = where };
            case YamlMappingNode map:
                var entries = new List<KeyValuePair<string, ConfigNode>>();
                foreach ((YamlNode k, YamlNode v) in map.Children)
                {
                    if (k is not YamlScalarNode key || key.Value is null)
                    {
                        throw new UsageException($"{(positions ? Where(source, k) : source)}: a key must be plain text");
                    }
                    entries.Add(new(key.Value, Convert(v, source, positions)));
                }
                return new ConfigMap(entries) { Source = where };
            default:
                throw new UsageException($"{where}: unsupported YAML node");
        }
    }

    private static string Where(string source, YamlNode node) =>
        $"{source}:{node.Start.Line.ToString(CultureInfo.InvariantCulture)}:{node.Start.Column.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>YamlDotNet prefixes its messages with "(Line: l, Col: c, Idx: i) - (…): "; the position is reported separately.</summary>
    private static string Reason(YamlException e) => PositionPrefix().Replace(e.Message, "");

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex PositionPrefix();

    /// <summary>Writes a tree as block YAML: nested maps indented by two spaces, lists of scalars in flow style.</summary>
    public static string Write(ConfigMap root, string? header = null)
    {
        var sb = new StringBuilder();
        if (header != null)
        {
            foreach (string line in header.Split('\n'))
            {
                sb.Append("# ").Append(line).Append('\n');
            }
        }
        WriteMap(sb, root, 0);
        return sb.ToString();
    }

    private static void WriteMap(StringBuilder sb, ConfigMap map, int indent)
    {
        foreach ((string key, ConfigNode value) in map.Entries)
        {
            sb.Append(' ', indent).Append(Scalar(key, quoted: false)).Append(':');
            switch (value)
            {
                case ConfigMap { Entries.Count: 0 }:
                    sb.Append(" {}\n");
                    break;
                case ConfigMap m:
                    sb.Append('\n');
                    WriteMap(sb, m, indent + 2);
                    break;
                case ConfigList l when l.Items.All(i => i is ConfigScalar):
                    sb.Append(' ').Append(Flow(l)).Append('\n');
                    break;
                case ConfigList l:
                    sb.Append('\n');
                    foreach (ConfigNode item in l.Items)
                    {
                        WriteItem(sb, item, indent + 2);
                    }
                    break;
                case ConfigScalar s:
                    sb.Append(' ').Append(Scalar(s)).Append('\n');
                    break;
            }
        }
    }

    private static void WriteItem(StringBuilder sb, ConfigNode item, int indent)
    {
        sb.Append(' ', indent).Append("- ");
        switch (item)
        {
            case ConfigMap { Entries.Count: > 0 } m:
                var inner = new StringBuilder();
                WriteMap(inner, m, indent + 2);
                sb.Append(inner.ToString(indent + 2, inner.Length - indent - 2));
                break;
            default:
                sb.Append(Flow(item)).Append('\n');
                break;
        }
    }

    private static string Flow(ConfigNode node) => node switch
    {
        ConfigScalar s => Scalar(s),
        ConfigList l => "[" + string.Join(", ", l.Items.Select(Flow)) + "]",
        ConfigMap m => "{" + string.Join(", ", m.Entries.Select(e => $"{Scalar(e.Key, false)}: {Flow(e.Value)}")) + "}",
        _ => throw new InvalidOperationException(),
    };

    private static string Scalar(ConfigScalar s) => s.IsNull ? "null" : Scalar(s.Text, s.Quoted);

    /// <summary>Plain when the text reads back the same; single-quoted otherwise (and always when it was quoted).</summary>
    private static string Scalar(string text, bool quoted) =>
        !quoted && PlainSafe().IsMatch(text) ? text : "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"^[A-Za-z0-9_.+\-/][A-Za-z0-9_.+\-/ ]*(?<! )$")]
    private static partial Regex PlainSafe();
}
