using System.Collections;
using Lumi.Data.Errors;

namespace Lumi.Data.Classes;

/// <summary>
/// The names of a model's foreground classes, in label order: label <c>L</c> (1-based) names
/// <c>this[L - 1]</c>; background is never part of the list. <c>--classes</c> means the same
/// everywhere: a preset (<c>voc</c>, <c>coco</c>), a file with one name per line, or a
/// comma-separated list. <see cref="Placeholder"/> ("N/A") marks an unused slot, as COCO's
/// category ids have gaps; it may repeat and is never predicted.
/// </summary>
public sealed class ClassList : IReadOnlyList<string>
{
    public const string Placeholder = "N/A";
    public const string Usage = "a preset (voc, coco), a file with one name per line, or a comma-separated list";

    private readonly string[] _names;

    public ClassList(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        _names = names.ToArray();
        if (_names.Length == 0)
        {
            throw new UsageException("a class list needs at least one name");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in _names)
        {
            if (string.IsNullOrWhiteSpace(name) || name != name.Trim())
            {
                throw new UsageException($"class name '{name}' is blank or has surrounding spaces");
            }
            if (name != Placeholder && !seen.Add(name))
            {
                throw new UsageException($"class name '{name}' appears twice");
            }
        }
    }

    /// <summary>Pascal VOC's 20 classes in their usual (alphabetical) order.</summary>
    public static ClassList Voc { get; } = new(ClassPresets.Voc);

    /// <summary>torchvision's COCO labels 1..90 (its 91 slots without <c>__background__</c>), "N/A" in the gaps.</summary>
    public static ClassList Coco { get; } = new(ClassPresets.Coco);

    public int Count => _names.Length;

    public string this[int index] => _names[index];

    /// <summary>Whether the slot at <paramref name="index"/> (0-based) is an unused placeholder.</summary>
    public bool IsPlaceholder(int index) => _names[index] == Placeholder;

    /// <summary>The 0-based index of <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name) => name == Placeholder ? -1 : Array.IndexOf(_names, name);

    /// <summary>Reads <c>--classes</c>: <c>voc</c>, <c>coco</c>, an existing file, or a comma-separated list.</summary>
    public static ClassList Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string s = spec.Trim();
        if (s.Length == 0)
        {
            throw new UsageException($"--classes: empty; use {Usage}");
        }
        if (s == "voc")
        {
            return Voc;
        }
        if (s == "coco")
        {
            return Coco;
        }
        if (File.Exists(s))
        {
            return FromFile(s);
        }
        if (s.Contains(',', StringComparison.Ordinal))
        {
            return FromCommaList(s);
        }
        if (s.Contains('/', StringComparison.Ordinal) || Path.HasExtension(s))
        {
            throw new InputDataException($"--classes: file '{s}' not found; use {Usage}");
        }
        return new ClassList(new[] { s });
    }

    /// <summary>One name per line; surrounding spaces are trimmed, a trailing empty line is allowed.</summary>
    public static ClassList FromFile(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputDataException($"{path}: cannot read the class list: {e.Message}", e);
        }
        int count = lines.Length;
        while (count > 0 && lines[count - 1].Trim().Length == 0)
        {
            count--;
        }
        var names = new List<string>(count);
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string name = lines[i].Trim();
            int line = i + 1;
            if (name.Length == 0)
            {
                throw new InputDataException($"{path}:{line}: blank class name; write one name per line");
            }
            if (name != Placeholder && !firstLine.TryAdd(name, line))
            {
                throw new InputDataException($"{path}:{line}: duplicate class name '{name}' (first on line {firstLine[name]})");
            }
            names.Add(name);
        }
        if (names.Count == 0)
        {
            throw new InputDataException($"{path}: no class names; write one name per line");
        }
        return new ClassList(names);
    }

    private static ClassList FromCommaList(string list)
    {
        string[] parts = list.Split(',');
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < parts.Length; i++)
        {
            parts[i] = parts[i].Trim();
            if (parts[i].Length == 0)
            {
                throw new UsageException($"--classes: name {i + 1} of '{list}' is empty");
            }
            if (parts[i] != Placeholder && !seen.Add(parts[i]))
            {
                throw new UsageException($"--classes: '{parts[i]}' appears twice in '{list}'");
            }
        }
        return new ClassList(parts);
    }

    public IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)_names).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _names.GetEnumerator();

    public override string ToString() => string.Join(",", _names);
}
