namespace Lumi.Server;

/// <summary>The page served at <c>GET /</c>: one self-contained HTML file embedded in this assembly (script and style inline, nothing from a CDN).</summary>
public static class WebPage
{
    public const string ResourceName = "Lumi.Server.Web.index.html";

    /// <summary>The page's HTML.</summary>
    public static string Html { get; } = Load();

    private static string Load()
    {
        using Stream stream = typeof(WebPage).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the embedded resource {ResourceName} is missing from {typeof(WebPage).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
