namespace Lumi.Inference.Outputs;

/// <summary>Checks, before any work, that outputs written one file per image do not overwrite each other.</summary>
public static class OutputNames
{
    /// <summary>The first two inputs (in order) whose output path <paramref name="pathFor"/> is the same; null when all differ.</summary>
    public static (string First, string Second, string Output)? FirstCollision(IReadOnlyList<string> files, Func<string, string> pathFor)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(pathFor);
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string file in files)
        {
            string output = pathFor(file);
            if (!seen.TryAdd(output, file)) return (seen[output], file, output);
        }
        return null;
    }
}
