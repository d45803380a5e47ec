using System.Text;
using System.Text.RegularExpressions;

namespace Lumi.Data.Inputs;

/// <summary>
/// Path patterns for prediction inputs: <c>*</c> matches within one path segment, <c>?</c> one character
/// of a segment, <c>**</c> as a whole segment any number of folders (none included). Matching is
/// ordinal and case-sensitive, on '/'-separated paths.
/// </summary>
public static class Glob
{
    /// <summary>Whether <paramref name="text"/> holds a pattern character.</summary>
    public static bool IsPattern(string text) => text.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>The files under the pattern's fixed leading folders that match it, in ordinal path order.</summary>
    public static IReadOnlyList<string> Expand(string pattern)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        string normalized = pattern.Replace('\\', '/');
        string[] segments = normalized.Split('/');
        int fixedCount = 0;
        while (fixedCount < segments.Length - 1 && !IsPattern(segments[fixedCount]))
        {
            fixedCount++;
        }
        string baseDir = fixedCount == 0 ? "" : string.Join('/', segments[..fixedCount]);
        if (baseDir.Length == 0 && normalized.StartsWith('/'))
        {
            baseDir = "/";
        }
        string searchDir = baseDir.Length == 0 ? "." : baseDir;
        if (!Directory.Exists(searchDir))
        {
            return [];
        }
        Regex regex = ToRegex(string.Join('/', segments[fixedCount..]));
        var matches = new List<string>();
        foreach (string file in Directory.EnumerateFiles(searchDir, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(searchDir, file).Replace('\\', '/');
            if (regex.IsMatch(relative))
            {
                matches.Add(baseDir.Length == 0 ? relative : baseDir == "/" ? "/" + relative : baseDir + "/" + relative);
            }
        }
        matches.Sort(StringComparer.Ordinal);
        return matches;
    }

    /// <summary>Whether a '/'-separated <paramref name="path"/> matches <paramref name="pattern"/> entirely.</summary>
    public static bool IsMatch(string pattern, string path) => ToRegex(pattern.Replace('\\', '/')).IsMatch(path.Replace('\\', '/'));

    private static Regex ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        string[] segments = pattern.Split('/');
        for (int s = 0; s < segments.Length; s++)
        {
            string segment = segments[s];
            bool last = s == segments.Length - 1;
            if (segment == "**")
            {
                regex.Append(last ? ".*" : "(?:[^/]+/)*");
                continue;
            }
            foreach (char c in segment)
            {
                regex.Append(c switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    _ => Regex.Escape(c.ToString()),
                });
            }
            if (!last)
            {
                regex.Append('/');
            }
        }
        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
