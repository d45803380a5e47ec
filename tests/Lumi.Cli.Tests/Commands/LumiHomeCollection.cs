namespace Lumi.Cli.Tests.Commands;

/// <summary>Tests that point <c>LUMI_HOME</c> (a process-wide variable) at a temporary folder run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LumiHomeCollection
{
    public const string Name = "LUMI_HOME";
}
