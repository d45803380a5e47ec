using Lumi.Data.Paths;
using Lumi.Models.Checkpoints.Store;

namespace Lumi.Cli.Tests;

/// <summary>
/// Points <c>LUMI_HOME</c> at a folder of a temporary directory and clears <c>LUMI_INDEX_URL</c> until disposed
/// (process-wide: only in tests of <c>LumiHomeCollection</c>).
/// </summary>
public sealed class LumiHomeScope : IDisposable
{
    private readonly string? _home = Environment.GetEnvironmentVariable(LumiHome.Variable);
    private readonly string? _index = Environment.GetEnvironmentVariable(RemoteIndex.UrlVariable);

    public LumiHomeScope(string home)
    {
        Home = home;
        Use(home);
        Environment.SetEnvironmentVariable(RemoteIndex.UrlVariable, null);
    }

    public string Home { get; private set; }

    public string Checkpoints => Path.Combine(Home, "checkpoints");

    /// <summary>Switches to another home (a second machine, in effect).</summary>
    public void Use(string home)
    {
        Home = home;
        Environment.SetEnvironmentVariable(LumiHome.Variable, home);
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(LumiHome.Variable, _home);
        Environment.SetEnvironmentVariable(RemoteIndex.UrlVariable, _index);
    }
}
