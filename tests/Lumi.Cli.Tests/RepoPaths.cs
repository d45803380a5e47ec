namespace Lumi.Cli.Tests;

public static class RepoPaths
{
    /// <summary>The repository root: the first folder above the test binaries that holds Lumi.sln.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lumi.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Lumi.sln not found above " + AppContext.BaseDirectory);
    }
}
