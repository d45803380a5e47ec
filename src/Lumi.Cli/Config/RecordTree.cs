using System.Collections;
using System.Globalization;

namespace Lumi.Cli.Config;

/// <summary>Turns option records back into a configuration tree (the inverse of <see cref="ConfigBinder"/>).</summary>
public static class RecordTree
{
    public static ConfigMap FromRecord(object record) =>
        new(ConfigSchema.Properties(record.GetType())
            .Select(p => new KeyValuePair<string, ConfigNode>(ConfigSchema.KeyOf(p), FromValue(p.GetValue(record)))));

    private static ConfigNode FromValue(object? value) => value switch
    {
        null => new ConfigScalar(""),
        string s => new ConfigScalar(s, quoted: !ReadsAsText(s)),
        bool b => new ConfigScalar(b ? "true" : "false"),
        double d => new ConfigScalar(FormatDouble(d)),
        float f => new ConfigScalar(FormatDouble(f)),
        IFormattable n when value.GetType().IsPrimitive => new ConfigScalar(n.ToString(null, CultureInfo.InvariantCulture)),
        Array a => new ConfigList(a.Cast<object?>().Select(FromValue)),
        _ when ConfigSchema.IsRecord(value.GetType()) => FromRecord(value),
        IEnumerable => throw new InvalidOperationException($"collections of type {value.GetType().Name} are not supported; use an array"),
        _ => throw new InvalidOperationException($"values of type {value.GetType().Name} are not supported in option records"),
    };

    /// <summary>Invariant, round-trippable, and always recognisable as a number with a fraction (<c>1.0</c>, <c>0.001</c>, <c>1e-05</c>).</summary>
    public static string FormatDouble(double d)
    {
        string s = d.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
        return s.Contains('.', StringComparison.Ordinal) || s.Contains('e', StringComparison.Ordinal) ? s : s + ".0";
    }

    /// <summary>Whether a plain scalar with this text would still read as text in YAML (not a number, boolean or null).</summary>
    private static bool ReadsAsText(string s) =>
        s.Length > 0
        && !new ConfigScalar(s).IsNull
        && !bool.TryParse(s, out _)
        && !double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
