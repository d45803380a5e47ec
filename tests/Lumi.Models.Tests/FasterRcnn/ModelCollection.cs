namespace Lumi.Models.Tests.FasterRcnn;

/// <summary>Heavy model tests run one at a time: two CPU cores are shared by every test in the run.</summary>
[CollectionDefinition("Model", DisableParallelization = true)]
public sealed class ModelCollection;
