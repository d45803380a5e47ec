namespace Lumi.Models.Checkpoints.Store;

/// <summary>A checkpoint in the local store: what its <c>checkpoint.json</c> says, its folder and its size on disk.</summary>
public sealed record StoredCheckpoint(CheckpointInfo Info, string Folder, long SizeOnDisk);
