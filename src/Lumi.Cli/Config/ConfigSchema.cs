using System.Reflection;
using System.Text;

namespace Lumi.Cli.Config;

/// <summary>
/// How option records look as YAML: a property <c>NmsThreshold</c> is the key <c>nms_threshold</c>,
/// a nested record is a nested map (a <c>TrainTest&lt;T&gt;</c> is <c>{train: .., test: ..}</c>), an
/// array is a list, anything else a scalar.
/// </summary>
public static class ConfigSchema
{
    /// <summary>The public, settable (init) properties of an option record, in declaration order.</summary>
    public static IReadOnlyList<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0)
            .ToArray();

    /// <summary>Whether the type is an option record (a C# record: it has a compiler-generated clone method).</summary>
    public static bool IsRecord(Type type) =>
        type.IsClass && type.GetMethod("<Clone>$", BindingFlags.Public | BindingFlags.Instance) != null;

    public static object Clone(object record) =>
        record.GetType().GetMethod("<Clone>$", BindingFlags.Public | BindingFlags.Instance)!.Invoke(record, null)!;

    public static string KeyOf(PropertyInfo property) => SnakeCase(property.Name);

    /// <summary><c>NmsThreshold</c> → <c>nms_threshold</c>, <c>PreNmsTopN</c> → <c>pre_nms_top_n</c>, <c>Tf32</c> → <c>tf32</c>.</summary>
    public static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c))
            {
                bool afterLowerOrDigit = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                bool endsAcronym = i > 0 && char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (afterLowerOrDigit || endsAcronym)
                {
                    sb.Append('_');
                }
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    /// <summary>Every leaf key path of a record type, e.g. <c>model.rpn.pre_nms_top_n.train</c>.</summary>
    public static IReadOnlyList<string> KeyPaths(Type type)
    {
        var paths = new List<string>();
        Walk(type, "", paths);
        return paths;
    }

    private static void Walk(Type type, string prefix, List<string> paths)
    {
        foreach (PropertyInfo p in Properties(type))
        {
            string path = prefix.Length == 0 ? KeyOf(p) : $"{prefix}.{KeyOf(p)}";
            if (IsRecord(p.PropertyType))
            {
                Walk(p.PropertyType, path, paths);
            }
            else
            {
                paths.Add(path);
            }
        }
    }
}
