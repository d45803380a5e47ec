namespace Lumi.Models.Checkpoints;

/// <summary>
/// Finds the checkpoint a path means: a checkpoint folder; a <c>.tar.gz</c> of one (extracted safely to a temporary
/// folder); or a training run's folder, meaning its <c>best/</c>, else its <c>last/</c> (also found under <c>checkpoints/</c>).
/// </summary>
public static class CheckpointResolver
{
    public static readonly IReadOnlyList<string> ArchiveExtensions = new[] { ".tar.gz", ".tgz" };

    /// <summary>Where a run folder keeps its checkpoints, in the order they are preferred: the best, else the last.</summary>
    private static readonly (string Folder, CheckpointSource Source)[] RunCheckpoints =
    {
        ("best", CheckpointSource.RunBest), ("checkpoints/best", CheckpointSource.RunBest),
        ("last", CheckpointSource.RunLast), ("checkpoints/last", CheckpointSource.RunLast),
    };

    public static ResolvedCheckpoint Resolve(string path, TarLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path))
        {
            if (!ArchiveExtensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
                throw new InvalidDataException(
                    $"{path} is a file but not a checkpoint archive (expected {string.Join(" or ", ArchiveExtensions)}); " +
                    "import a PyTorch .pth with 'lumi checkpoint import'.");
            return FromArchive(path, limits);
        }
        if (!Directory.Exists(path))
            throw new FileNotFoundException($"No checkpoint at {path}: no such file or folder.", path);
        if (IsCheckpoint(path))
            return new ResolvedCheckpoint(path, CheckpointSource.Folder, $"checkpoint {path}");
        foreach (var (sub, source) in RunCheckpoints)
        {
            string folder = Path.Combine(path, sub);
            if (IsCheckpoint(folder))
                return new ResolvedCheckpoint(folder, source, $"run {path}: using {sub}");
        }
        throw new InvalidDataException(
            $"{path} is not a checkpoint: expected a folder with {CheckpointJson.FileName}, a .tar.gz of one, " +
            "or a run folder with best/ or last/ (or checkpoints/best/, checkpoints/last/).");
    }

    private static bool IsCheckpoint(string folder) => File.Exists(Path.Combine(folder, CheckpointJson.FileName));

    private static ResolvedCheckpoint FromArchive(string archive, TarLimits? limits)
    {
        string temp = Path.Combine(Path.GetTempPath(), $"lumi-checkpoint-{CheckpointId.New()}");
        SafeTarGz.Extract(archive, temp, limits);
        try
        {
            // The archive holds the checkpoint's files at its root, or one folder holding them.
            string folder = temp;
            if (!IsCheckpoint(folder))
            {
                var dirs = Directory.GetDirectories(temp);
                if (dirs.Length == 1 && Directory.GetFiles(temp).Length == 0 && IsCheckpoint(dirs[0])) folder = dirs[0];
                else
                    throw new InvalidDataException(
                        $"{archive} holds no checkpoint: expected {CheckpointJson.FileName} at its root or inside its single top folder.");
            }
            return new ResolvedCheckpoint(folder, CheckpointSource.Archive, $"archive {archive}", temp);
        }
        catch
        {
            Directory.Delete(temp, recursive: true);
            throw;
        }
    }
}
