namespace Lumi.Models.Checkpoints.Store;

/// <summary>Where a checkpoint is, as <c>lumi checkpoint list</c> shows it.</summary>
public enum CheckpointStatus
{
    /// <summary>In the store only (imported, created from a run).</summary>
    Local,

    /// <summary>In the index only: <c>lumi checkpoint download</c> fetches it.</summary>
    Remote,

    /// <summary>In the index and in the store.</summary>
    Downloaded,
}
