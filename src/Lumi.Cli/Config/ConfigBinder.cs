using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;

namespace Lumi.Cli.Config;

/// <summary>
/// Binds a configuration tree onto option records by reflection: each key present replaces the
/// default of its property, keys absent keep the record's defaults. Every problem is collected as
/// one line naming the full key path, the value given and what is allowed; the validation rules
/// are the records' own DataAnnotations attributes (<see cref="RangeAttribute"/>,
/// <see cref="AllowedValuesAttribute"/>, <see cref="LengthAttribute"/>).
/// </summary>
public sealed class ConfigBinder
{
    private readonly List<string> _errors = new();
    private readonly IReadOnlyList<string> _allPaths;
    private readonly NullabilityInfoContext _nullability = new();

    private ConfigBinder(Type rootType) => _allPaths = ConfigSchema.KeyPaths(rootType);

    /// <summary>Binds <paramref name="tree"/> onto <paramref name="defaults"/> (which is not modified).</summary>
    /// <returns>The bound record and the errors found, in tree order; the record is meaningful only when there are none.</returns>
    public static (T Value, IReadOnlyList<string> Errors) Bind<T>(ConfigMap tree, T defaults) where T : class
    {
        var binder = new ConfigBinder(typeof(T));
        var value = (T)binder.BindRecord(typeof(T), defaults, tree, "");
        return (value, binder._errors);
    }

    private object BindRecord(Type type, object defaults, ConfigMap map, string path)
    {
        object result = ConfigSchema.Clone(defaults);
        var properties = ConfigSchema.Properties(type).ToDictionary(ConfigSchema.KeyOf, StringComparer.Ordinal);
        foreach ((string key, ConfigNode node) in map.Entries)
        {
            string keyPath = Join(path, key);
            if (!properties.TryGetValue(key, out PropertyInfo? property))
            {
                _errors.Add(UnknownKey(path, key, properties.Keys));
                continue;
            }
            if (TryConvert(property.PropertyType, node, property.GetValue(result), keyPath, AllowsNull(property), out object? value)
                && Validate(property, value, node, keyPath))
            {
                property.SetValue(result, value);
            }
        }
        return result;
    }

    private bool TryConvert(Type type, ConfigNode node, object? current, string path, bool allowsNull, out object? value)
    {
        value = null;
        Type? underlying = Nullable.GetUnderlyingType(type);
        if (node is ConfigScalar { IsNull: true })
        {
            if (underlying != null || allowsNull)
            {
                return true;
            }
            return Fail($"{path}: missing value; expected {Expected(type)}");
        }
        type = underlying ?? type;

        if (ConfigSchema.IsRecord(type))
        {
            if (node is not ConfigMap map)
            {
                return Fail($"{path}: expected {Expected(type)}, found {node.Describe()}");
            }
            object? start = current ?? (type.GetConstructor(Type.EmptyTypes) is { } ctor ? ctor.Invoke(null) : null);
            if (start is null)
            {
                throw new InvalidOperationException($"{path}: {type.Name} has no default to bind onto");
            }
            int before = _errors.Count;
            value = BindRecord(type, start, map, path);
            return _errors.Count == before;
        }

        if (type.IsArray)
        {
            if (node is not ConfigList list)
            {
                return Fail($"{path}: expected {Expected(type)}, found {node.Describe()}");
            }
            Type element = type.GetElementType()!;
            Array array = Array.CreateInstance(element, list.Items.Count);
            bool ok = true;
            for (int i = 0; i < list.Items.Count; i++)
            {
                string itemPath = $"{path}[{i.ToString(CultureInfo.InvariantCulture)}]";
                if (TryConvert(element, list.Items[i], null, itemPath, allowsNull: false, out object? item))
                {
                    array.SetValue(item, i);
                }
                else
                {
                    ok = false;
                }
            }
            value = array;
            return ok;
        }

        if (node is not ConfigScalar scalar)
        {
            return Fail($"{path}: expected {Expected(type)}, found {node.Describe()}");
        }
        string text = scalar.Text;
        if (type == typeof(string))
        {
            value = text;
            return true;
        }
        if (type == typeof(bool))
        {
            if (!scalar.Quoted && (text.Equals("true", StringComparison.OrdinalIgnoreCase) || text.Equals("false", StringComparison.OrdinalIgnoreCase)))
            {
                value = text.Equals("true", StringComparison.OrdinalIgnoreCase);
                return true;
            }
            return Fail($"{path}: {scalar.Describe()} is not a boolean; use true or false");
        }
        if (type == typeof(int) || type == typeof(long))
        {
            if (!scalar.Quoted && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)
                && (type == typeof(long) || l is >= int.MinValue and <= int.MaxValue))
            {
                value = type == typeof(int) ? (object)(int)l : l;
                return true;
            }
            return Fail($"{path}: {scalar.Describe()} is not an integer");
        }
        if (type == typeof(double) || type == typeof(float))
        {
            if (!scalar.Quoted && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d))
            {
                value = type == typeof(float) ? (object)(float)d : d;
                return true;
            }
            return Fail($"{path}: {scalar.Describe()} is not a number");
        }
        throw new InvalidOperationException($"{path}: option properties of type {type.Name} are not supported by the binder");
    }

    private bool Validate(PropertyInfo property, object? value, ConfigNode node, string path)
    {
        foreach (ValidationAttribute attribute in property.GetCustomAttributes<ValidationAttribute>())
        {
            if (value is null || attribute.IsValid(value))
            {
                continue;
            }
            string given = node.Describe();
            _errors.Add(attribute switch
            {
                RangeAttribute r when IsUnbounded(r.Maximum) => $"{path}: {given} is out of range; must be at least {Format(r.Minimum)}",
                RangeAttribute r => $"{path}: {given} is out of range [{Format(r.Minimum)}, {Format(r.Maximum)}]",
                AllowedValuesAttribute a => $"{path}: {given} is not one of: {string.Join(", ", a.Values.Select(Format))}",
                LengthAttribute l when l.MinimumLength == l.MaximumLength =>
                    $"{path}: {given} has {Items(value)}; expected {l.MinimumLength.ToString(CultureInfo.InvariantCulture)}",
                LengthAttribute l =>
                    $"{path}: {given} has {Items(value)}; expected {l.MinimumLength.ToString(CultureInfo.InvariantCulture)} to {l.MaximumLength.ToString(CultureInfo.InvariantCulture)}",
                _ => $"{path}: {given} is not allowed: {attribute.FormatErrorMessage(path)}",
            });
            return false;
        }
        return true;
    }

    private string UnknownKey(string parent, string key, IEnumerable<string> siblings)
    {
        string path = Join(parent, key);
        string? near = siblings
            .Select(s => (Key: s, Distance: EditDistance.Between(key, s)))
            .Where(c => c.Distance <= Math.Max(2, key.Length / 3))
            .OrderBy(c => c.Distance)
            .Select(c => c.Key)
            .FirstOrDefault();
        if (near != null)
        {
            return $"{path}: unknown key; did you mean {Join(parent, near)}?";
        }
        string? elsewhere = _allPaths.FirstOrDefault(p => p == key || p.EndsWith("." + key, StringComparison.Ordinal));
        if (elsewhere != null)
        {
            return $"{path}: unknown key; did you mean {elsewhere}?";
        }
        return $"{path}: unknown key; known keys here: {string.Join(", ", siblings)}";
    }

    private bool AllowsNull(PropertyInfo property) =>
        !property.PropertyType.IsValueType && _nullability.Create(property).WriteState == NullabilityState.Nullable;

    private bool Fail(string message)
    {
        _errors.Add(message);
        return false;
    }

    private static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(int) || type == typeof(long))
        {
            return "an integer";
        }
        if (type == typeof(double) || type == typeof(float))
        {
            return "a number";
        }
        if (type == typeof(bool))
        {
            return "true or false";
        }
        if (type == typeof(string))
        {
            return "text";
        }
        if (type.IsArray)
        {
            return $"a list of {Plural(type.GetElementType()!)} like [a, b]";
        }
        if (ConfigSchema.IsRecord(type))
        {
            return $"a map with keys {string.Join(", ", ConfigSchema.Properties(type).Select(ConfigSchema.KeyOf))}";
        }
        return type.Name;
    }

    private static string Plural(Type element) =>
        element == typeof(int) || element == typeof(long) ? "integers"
        : element == typeof(double) || element == typeof(float) ? "numbers"
        : element == typeof(string) ? "strings"
        : element.Name;

    private static bool IsUnbounded(object maximum) => maximum switch
    {
        int i => i == int.MaxValue,
        long l => l == long.MaxValue,
        double d => d >= double.MaxValue,
        _ => false,
    };

    private static string Items(object value)
    {
        int n = value is Array a ? a.Length : 0;
        return n == 1 ? "1 item" : $"{n.ToString(CultureInfo.InvariantCulture)} items";
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Join(string parent, string key) => parent.Length == 0 ? key : $"{parent}.{key}";
}
