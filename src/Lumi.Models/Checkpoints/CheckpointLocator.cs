using Lumi.Data.Errors;
using Lumi.Models.Checkpoints.Store;

namespace Lumi.Models.Checkpoints;

/// <summary>
/// Finds a checkpoint from what a user typed: a path (checkpoint folder, <c>.tar.gz</c>, run directory), the id or
/// alias of a checkpoint in the store (<c>$LUMI_HOME/checkpoints</c>), or the id or alias of an entry of the remote
/// index, downloaded into the store first. By default only detectors are accepted (prediction, export and evaluation
/// need one): a backbone checkpoint is refused with a message that says so.
/// </summary>
public static class CheckpointLocator
{
    /// <param name="reference">A path, an id or an alias.</param>
    /// <param name="log">Where a download's notices and progress go (default: stderr).</param>
    /// <param name="requireDetector">Refuse backbone checkpoints (false: any kind).</param>
    public static ResolvedCheckpoint Locate(string reference, Action<string>? log = null, bool requireDetector = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        var resolved = Find(reference, log ?? Console.Error.WriteLine);
        if (!requireDetector) return resolved;
        try
        {
            CheckpointInfo info;
            try
            {
                info = CheckpointReader.ReadInfo(resolved.Folder, verifyFiles: false);
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                throw new InputDataException(e.Message, e);
            }
            info.RequireDetector(reference);
            return resolved;
        }
        catch
        {
            resolved.Dispose();
            throw;
        }
    }

    private static ResolvedCheckpoint Find(string reference, Action<string> log)
    {
        if (Directory.Exists(reference) || File.Exists(reference))
            return Resolve(reference);
        var store = CheckpointStore.Default;
        if (store.Find(reference) is { } stored)
            return Resolve(stored.Folder);
        if (!reference.Contains('/') && new RemoteIndex(store).Load() is { } index && index.Find(reference) is { } entry)
        {
            log($"checkpoint '{reference}' is not in {store.Root}; downloading {entry.Id} ({entry.Name}) from the index {index.Source}");
            var printer = new DownloadProgressPrinter(log, $"download {entry.Id}");
            var downloaded = new CheckpointDownloader(store).Download(entry, printer.Report, log, out _);
            return Resolve(downloaded.Folder);
        }
        throw new InputDataException(
            $"checkpoint '{reference}': no such path, and no checkpoint with that id or alias in {store.Root} or in the index " +
            "(lumi checkpoint list shows what there is)");
    }

    private static ResolvedCheckpoint Resolve(string path)
    {
        try
        {
            return CheckpointResolver.Resolve(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new InputDataException(e.Message, e);
        }
    }
}
