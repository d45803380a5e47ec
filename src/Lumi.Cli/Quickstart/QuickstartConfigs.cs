using System.Reflection;

namespace Lumi.Cli.Quickstart;

/// <summary>The tiny training configurations (configs/tiny/*.yml), embedded so the quickstart works from any folder.</summary>
public static class QuickstartConfigs
{
    private const string Prefix = "Lumi.Cli.Quickstart.";

    public static string Read(string fileName)
    {
        using Stream stream = typeof(QuickstartConfigs).Assembly.GetManifestResourceStream(Prefix + fileName)
            ?? throw new InvalidOperationException($"The quickstart configuration '{fileName}' is not embedded in {typeof(QuickstartConfigs).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
