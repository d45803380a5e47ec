namespace Lumi.Models.Tests;

/// <summary>
/// Tests that run libtorch share one serial collection: they do not compete for the cores with each
/// other, and the heavy model tests of later issues join it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    public const string Name = "libtorch (serial)";
}
