namespace Lumi.Cli.Tests.Commands;

/// <summary>
/// Tests that point <c>LUMI_HOME</c> (a process-wide variable) at a temporary folder, or that build models
/// from a seed (torch's default generator is process-wide: a model built on another thread between
/// <c>manual_seed</c> and construction changes the weights), run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LumiHomeCollection
{
    public const string Name = "LUMI_HOME";
}
