namespace Lumi.Models.Checkpoints;

/// <summary>
/// A checkpoint folder found from a path. Dispose it when done: a folder extracted from an archive is deleted then.
/// </summary>
public sealed class ResolvedCheckpoint : IDisposable
{
    private readonly string? _temporary;

    internal ResolvedCheckpoint(string folder, CheckpointSource source, string description, string? temporary = null)
    {
        Folder = folder;
        Source = source;
        Description = description;
        _temporary = temporary;
    }

    /// <summary>The folder holding checkpoint.json and weights.safetensors.</summary>
    public string Folder { get; }

    public CheckpointSource Source { get; }

    /// <summary>One line saying what was chosen, for the command to print (e.g. "run runs/a: using checkpoints/best").</summary>
    public string Description { get; }

    public void Dispose()
    {
        if (_temporary is not null && Directory.Exists(_temporary)) Directory.Delete(_temporary, recursive: true);
    }
}
