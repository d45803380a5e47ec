namespace Lumi.Models.Checkpoints.Store;

/// <summary>One checkpoint known locally, remotely or both: what the store has (authoritative) else what the index says.</summary>
public sealed record CheckpointRow(StoredCheckpoint? Local, IndexEntry? Remote)
{
    public string Id => Local?.Info.Id ?? Remote!.Id;
    public string Name => Local?.Info.Name ?? Remote!.Name;
    public string? Alias => Local is not null ? Local.Info.Alias : Remote!.Alias;
    public CheckpointKind Kind => Local?.Info.Kind ?? Remote!.Kind;
    public string Arch => Local?.Info.Arch ?? Remote!.Arch;
    public CheckpointDataset Dataset => Local?.Info.Dataset ?? Remote!.Dataset;

    /// <summary>The number of classes (0 for a backbone, which detects nothing).</summary>
    public int Classes => Kind == CheckpointKind.Backbone ? 0 : Local?.Info.Classes.Count ?? Remote!.Classes?.Count ?? Remote!.Dataset.NumClasses;

    /// <summary>Where it comes from: the index's host (or <c>file</c>), else <c>local</c>.</summary>
    public string Source => Remote?.SourceLabel ?? "local";

    public CheckpointStatus Status => (Local, Remote) switch
    {
        (not null, null) => CheckpointStatus.Local,
        (null, not null) => CheckpointStatus.Remote,
        _ => CheckpointStatus.Downloaded,
    };
}
