namespace Lumi.Cli.Tests.Server;

/// <summary>
/// The tests of the running server share one <see cref="ServerFixture"/> (one seeded model, exported once) and run
/// alone: the fixture builds its model from a seed, and torch's default generator is process-wide.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WebServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "web server";
}
