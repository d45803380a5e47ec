namespace Lumi.Models.Training;

/// <summary>
/// The layout of a training run's folder: <c>config.yml</c> (the merged configuration), <c>run.json</c> (datasets,
/// splits), <c>classes.json</c>, <c>metrics.jsonl</c>, <c>tensorboard/</c> (event files), and
/// <c>checkpoints/last/</c> and <c>checkpoints/best/</c> in the checkpoint-folder format. <c>last/</c> also holds
/// <c>training_state/</c> (optimizer, schedule position, data order, random generators), which checkpoint.json does
/// not list, so a checkpoint made from the run never carries it.
/// </summary>
/// <remarks>
/// A checkpoint is replaced without a moment in which no complete one exists on disk: the new one is written complete
/// under a temporary name, the old one renamed aside, the new one renamed into place, the old one deleted.
/// <see cref="Recover"/> finishes or undoes an interrupted replacement (kill -9 between the two renames).
/// </remarks>
public sealed class RunFolder
{
    public const string ConfigFile = "config.yml";
    public const string RunFile = "run.json";
    public const string ClassesFile = "classes.json";
    public const string MetricsFile = "metrics.jsonl";
    public const string TensorBoardFolder = "tensorboard";
    public const string StateFolder = "training_state";

    public RunFolder(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    public string Path { get; }
    public string Checkpoints => System.IO.Path.Combine(Path, "checkpoints");
    public string Last => System.IO.Path.Combine(Checkpoints, "last");
    public string Best => System.IO.Path.Combine(Checkpoints, "best");
    public string LastState => System.IO.Path.Combine(Last, StateFolder);
    public string Config => System.IO.Path.Combine(Path, ConfigFile);
    public string Run => System.IO.Path.Combine(Path, RunFile);
    public string Classes => System.IO.Path.Combine(Path, ClassesFile);
    public string Metrics => System.IO.Path.Combine(Path, MetricsFile);
    public string TensorBoard => System.IO.Path.Combine(Path, TensorBoardFolder);

    /// <summary>A fresh temporary folder name next to the checkpoints for <paramref name="which"/> (last or best).</summary>
    public string NewTemporary(string which) =>
        System.IO.Path.Combine(Checkpoints, $".{which}.new-{Environment.ProcessId}-{DateTime.UtcNow.Ticks}");

    /// <summary>Puts the complete checkpoint folder <paramref name="written"/> in place of <paramref name="target"/>.</summary>
    public static void Replace(string written, string target)
    {
        string old = target + ".old";
        if (Directory.Exists(old))
        {
            Directory.Delete(old, recursive: true);
        }
        if (Directory.Exists(target))
        {
            Directory.Move(target, old);
        }
        Directory.Move(written, target);
        if (Directory.Exists(old))
        {
            Directory.Delete(old, recursive: true);
        }
    }

    /// <summary>
    /// Cleans up after a crash: a checkpoint renamed aside with no new one in place is put back; leftover temporary
    /// folders are deleted.
    /// </summary>
    public void Recover()
    {
        if (!Directory.Exists(Checkpoints))
        {
            return;
        }
        foreach (string target in new[] { Last, Best })
        {
            string old = target + ".old";
            if (Directory.Exists(old))
            {
                if (Directory.Exists(target))
                {
                    Directory.Delete(old, recursive: true);
                }
                else
                {
                    Directory.Move(old, target);
                }
            }
        }
        foreach (string temp in Directory.EnumerateDirectories(Checkpoints, ".*"))
        {
            Directory.Delete(temp, recursive: true);
        }
    }
}
