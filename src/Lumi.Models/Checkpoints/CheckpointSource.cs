namespace Lumi.Models.Checkpoints;

/// <summary>What kind of path a checkpoint was resolved from.</summary>
public enum CheckpointSource
{
    /// <summary>A checkpoint folder.</summary>
    Folder,

    /// <summary>A <c>.tar.gz</c> of a checkpoint folder, extracted to a temporary folder.</summary>
    Archive,

    /// <summary>A training run's <c>best/</c> (or <c>checkpoints/best/</c>).</summary>
    RunBest,

    /// <summary>A training run's <c>last/</c> (or <c>checkpoints/last/</c>; the run has no best).</summary>
    RunLast,
}
