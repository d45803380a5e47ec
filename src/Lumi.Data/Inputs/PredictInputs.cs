using Lumi.Data.Errors;

namespace Lumi.Data.Inputs;

/// <summary>
/// Expands <c>lumi predict</c>'s inputs — image files, directories, glob patterns (<c>photos/**/*.jpg</c>)
/// and list files (<c>@list.txt</c>, one input per line, relative to the list's folder) — into image
/// paths. Directories and globs expand in ordinal path order; listed files keep their order. A file
/// named explicitly is kept whatever its extension (its decoding will say what is wrong); files found
/// in directories or globs are kept only with an image extension, the others counted.
/// </summary>
public static class PredictInputs
{
    /// <summary>Extensions of the formats ImageSharp decodes (lower case).</summary>
    public static IReadOnlySet<string> ImageExtensions { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".bmp", ".dib", ".gif", ".tif", ".tiff", ".webp", ".tga", ".pbm", ".pgm", ".ppm",
    };

    public static InputExpansion Expand(IEnumerable<string> inputs, bool recursive = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var files = new List<string>();
        int skipped = 0;
        foreach (string input in inputs)
        {
            Add(input, recursive, files, ref skipped, depth: 0);
        }
        return new InputExpansion(files, skipped);
    }

    public static bool IsImagePath(string path) => ImageExtensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    private static void Add(string input, bool recursive, List<string> files, ref int skipped, int depth)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            throw new UsageException("an input is empty; give image files, directories, glob patterns or @list files");
        }
        if (input.StartsWith('@'))
        {
            if (depth > 8)
            {
                throw new InputDataException($"{input}: list files nest more than 8 deep (a list that names itself?)");
            }
            string list = input[1..];
            if (!File.Exists(list))
            {
                throw new InputDataException($"{list}: list file not found");
            }
            string folder = Path.GetDirectoryName(list) ?? "";
            foreach (string line in File.ReadLines(list))
            {
                string entry = line.Trim();
                if (entry.Length == 0 || entry.StartsWith('#'))
                {
                    continue;
                }
                bool nestedList = entry.StartsWith('@');
                string target = nestedList ? entry[1..] : entry;
                if (!Path.IsPathRooted(target) && folder.Length > 0)
                {
                    target = Path.Combine(folder, target);
                }
                Add(nestedList ? "@" + target : target, recursive, files, ref skipped, depth + 1);
            }
            return;
        }
        if (File.Exists(input))
        {
            files.Add(input);
            return;
        }
        if (Directory.Exists(input))
        {
            var found = Directory.EnumerateFiles(input, "*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
                .Order(StringComparer.Ordinal);
            foreach (string file in found)
            {
                if (IsImagePath(file))
                {
                    files.Add(file);
                }
                else
                {
                    skipped++;
                }
            }
            return;
        }
        if (Glob.IsPattern(input))
        {
            IReadOnlyList<string> matches = Glob.Expand(input);
            if (matches.Count == 0)
            {
                throw new InputDataException($"{input}: no file matches the pattern");
            }
            foreach (string file in matches)
            {
                if (IsImagePath(file))
                {
                    files.Add(file);
                }
                else
                {
                    skipped++;
                }
            }
            return;
        }
        throw new InputDataException($"{input}: no such file or directory");
    }
}
