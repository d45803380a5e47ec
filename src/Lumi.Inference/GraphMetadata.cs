using System.Globalization;
using System.Text.Json;
using Lumi.Data.Errors;
using Lumi.Data.Imaging;

namespace Lumi.Inference;

/// <summary>
/// The <c>lumi.*</c> metadata properties of an exported graph (shared/DESIGN.md §4) that prediction needs:
/// the class names and the resize rule the model was trained with.
/// </summary>
public sealed record GraphMetadata(string Format, IReadOnlyList<string> Classes, int MinSize, int MaxSize, int SizeDivisible)
{
    /// <summary>The contract versions this library reads.</summary>
    public static IReadOnlyList<string> SupportedFormats { get; } = ["1"];

    /// <summary>The resize rule images go through before the graph.</summary>
    public ResizeRule Resize => new(MinSize, MaxSize);

    /// <summary>
    /// Reads the properties of the graph in <paramref name="path"/> (named in every error); an error names the
    /// missing or invalid key.
    /// </summary>
    public static GraphMetadata Parse(IReadOnlyDictionary<string, string> properties, string path)
    {
        ArgumentNullException.ThrowIfNull(properties);
        // The class list first: it is the property every Lumi export has always carried.
        string classesJson = Required(properties, path, "lumi.classes");
        string[]? classes;
        try
        {
            classes = JsonSerializer.Deserialize<string[]>(classesJson);
        }
        catch (JsonException)
        {
            classes = null;
        }
        if (classes is null || classes.Length == 0 || classes.Any(string.IsNullOrEmpty))
        {
            throw Invalid(path, "lumi.classes", classesJson, "expected a JSON array of non-empty class names");
        }
        string format = Required(properties, path, "lumi.format");
        if (!SupportedFormats.Contains(format))
        {
            throw Invalid(path, "lumi.format", format, $"this version of Lumi reads format {string.Join(", ", SupportedFormats)}; export the model again with this version");
        }
        return new GraphMetadata(
            format,
            classes,
            PositiveInt(properties, path, "lumi.min_size"),
            PositiveInt(properties, path, "lumi.max_size"),
            PositiveInt(properties, path, "lumi.size_divisible"));
    }

    /// <summary>The name of 1-based <paramref name="label"/>, as the graph emits it.</summary>
    public string ClassName(long label, string path)
    {
        if (label < 1 || label > Classes.Count)
        {
            throw new InputDataException($"{path}: the graph emitted label {label}, outside the {Classes.Count} classes of lumi.classes");
        }
        return Classes[(int)label - 1];
    }

    private static string Required(IReadOnlyDictionary<string, string> properties, string path, string key)
    {
        if (!properties.TryGetValue(key, out string? value))
        {
            throw new InputDataException($"{path}: not a Lumi export: metadata property '{key}' is missing; export a checkpoint with 'lumi export'");
        }
        return value;
    }

    private static int PositiveInt(IReadOnlyDictionary<string, string> properties, string path, string key)
    {
        string text = Required(properties, path, key);
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < 1)
        {
            throw Invalid(path, key, text, "expected a positive integer");
        }
        return value;
    }

    private static InputDataException Invalid(string path, string key, string value, string rule) =>
        new($"{path}: metadata property '{key}' is invalid ('{value}'): {rule}");
}
