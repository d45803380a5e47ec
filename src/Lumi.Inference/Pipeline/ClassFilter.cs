using Lumi.Data.Classes;
using Lumi.Data.Errors;

namespace Lumi.Inference.Pipeline;

/// <summary>
/// <c>--only-class</c> / <c>--ignore-class</c>: which of the model's classes are reported. Names are checked against the
/// model's classes; an unknown name is a <see cref="UsageException"/> that lists them.
/// </summary>
public sealed class ClassFilter
{
    private readonly bool[] _keep;

    private ClassFilter(bool[] keep, bool isActive)
    {
        _keep = keep;
        IsActive = isActive;
    }

    /// <summary>Whether any class is filtered out.</summary>
    public bool IsActive { get; }

    /// <param name="classes">The model's classes, label L naming <c>classes[L − 1]</c>.</param>
    /// <param name="only">Report only these (empty: every class).</param>
    /// <param name="ignore">Never report these.</param>
    public static ClassFilter Create(IReadOnlyList<string> classes, IReadOnlyList<string> only, IReadOnlyList<string> ignore)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(only);
        ArgumentNullException.ThrowIfNull(ignore);
        Check(classes, only, "--only-class");
        Check(classes, ignore, "--ignore-class");
        var keep = new bool[classes.Count + 1];
        for (int label = 1; label <= classes.Count; label++)
        {
            string name = classes[label - 1];
            keep[label] = (only.Count == 0 || only.Contains(name)) && !ignore.Contains(name);
        }
        return new ClassFilter(keep, only.Count > 0 || ignore.Count > 0);
    }

    /// <summary>Whether detections of 1-based <paramref name="label"/> are reported.</summary>
    public bool Keeps(int label) => label >= 1 && label < _keep.Length && _keep[label];

    private static void Check(IReadOnlyList<string> classes, IReadOnlyList<string> names, string option)
    {
        foreach (string name in names)
        {
            if (name == ClassList.Placeholder || !classes.Contains(name))
            {
                var real = classes.Where(c => c != ClassList.Placeholder).Distinct();
                throw new UsageException($"{option}: unknown class '{name}'; the model's classes: {string.Join(", ", real)}");
            }
        }
    }
}
