namespace Lumi.Data.Paths;

/// <summary>
/// Where Lumi keeps its store: <c>$LUMI_HOME</c>, default <c>~/.lumi</c> (shared/DESIGN.md §6):
/// <c>checkpoints/&lt;id&gt;/</c>, <c>cache/&lt;checkpoint id&gt;/</c>, the refreshed remote index <c>index.json</c> and
/// <c>downloads/</c> (transfers in progress).
/// </summary>
public static class LumiHome
{
    public const string Variable = "LUMI_HOME";

    public static string Root
    {
        get
        {
            string? configured = Environment.GetEnvironmentVariable(Variable);
            if (!string.IsNullOrWhiteSpace(configured)) return Path.GetFullPath(configured);
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".lumi");
        }
    }

    public static string Checkpoints => Path.Combine(Root, "checkpoints");

    public static string Cache => Path.Combine(Root, "cache");
}
