namespace Lumi.Models.Checkpoints;

/// <summary>A file of a checkpoint folder, as <c>checkpoint.json</c> records it.</summary>
/// <param name="Sha256">Lower-case hex SHA-256 of the file's bytes.</param>
/// <param name="Size">Its length in bytes.</param>
public sealed record CheckpointFile(string Sha256, long Size);
