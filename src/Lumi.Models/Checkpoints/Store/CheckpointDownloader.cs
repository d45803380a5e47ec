using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Lumi.Data.Errors;

namespace Lumi.Models.Checkpoints.Store;

/// <summary>
/// Downloads an index entry into the store: into <c>$LUMI_HOME/downloads/&lt;id&gt;-&lt;file&gt;.partial</c>, resumed with an
/// HTTP range request where the server allows it (after a dropped connection, and by the next attempt); the size and
/// hash are checked before anything is installed; a checkpoint archive is extracted safely and every file verified, a
/// torchvision <c>.pth</c> is converted by <see cref="TorchvisionImporter"/>; the checkpoint lands in the store by a rename.
/// </summary>
public sealed class CheckpointDownloader
{
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(60);
    private readonly HttpClient _http;

    public CheckpointDownloader(CheckpointStore store, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
        _http = http ?? CheckpointHttp.Shared;
    }

    public CheckpointStore Store { get; }

    /// <summary>How often a transfer that breaks off after some data arrived is resumed before giving up.</summary>
    public int Retries { get; init; } = 3;

    /// <summary>The wait before resuming (times the attempt number).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(0.5);

    /// <summary>A transfer that receives nothing for this long is treated as dropped.</summary>
    public TimeSpan IdleTimeout { get; init; } = DefaultIdleTimeout;

    /// <summary>The <c>.partial</c> file of an entry while it downloads.</summary>
    public string PartialPath(IndexEntry entry) => Path.Combine(Store.Downloads, $"{entry.Id}-{entry.FileName}.partial");

    /// <summary>
    /// Downloads and installs <paramref name="entry"/>; a checkpoint already in the store is returned as it is
    /// (<paramref name="alreadyPresent"/> true).
    /// </summary>
    /// <param name="log">One-line notices (resuming, converting).</param>
    public StoredCheckpoint Download(IndexEntry entry, Action<DownloadProgress>? progress, Action<string>? log, out bool alreadyPresent)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (Store.Find(entry.Id) is { } present)
        {
            alreadyPresent = true;
            return present;
        }
        alreadyPresent = false;
        if (entry.Alias is { } alias && Store.List().FirstOrDefault(c => c.Info.Alias == alias) is { } clash)
            throw new InputDataException(
                $"checkpoint {entry.Id}: alias '{alias}' is already used by checkpoint {clash.Info.Id} in the store; delete that one first (lumi checkpoint delete {clash.Info.Id})");

        Directory.CreateDirectory(Store.Downloads);
        string partial = PartialPath(entry);
        Fetch(entry, partial, progress, log);
        Verify(entry, partial);
        try
        {
            return Install(entry, partial, log);
        }
        finally
        {
            // Verified but not installable (a bad archive): keeping it would only make the next attempt fail the same way.
            if (File.Exists(partial)) File.Delete(partial);
        }
    }

    private void Fetch(IndexEntry entry, string partial, Action<DownloadProgress>? progress, Action<string>? log)
    {
        var clock = Stopwatch.StartNew();
        for (int attempt = 0; ; attempt++)
        {
            long before = File.Exists(partial) ? new FileInfo(partial).Length : 0;
            if (before > 0) log?.Invoke($"checkpoint {entry.Id}: resuming {entry.FileName} at byte {before}");
            try
            {
                if (entry.Url.IsFile) CopyFile(entry, partial, progress, clock);
                else FetchHttp(entry, partial, progress, clock);
                return;
            }
            catch (TransferBrokenException e)
            {
                long now = File.Exists(partial) ? new FileInfo(partial).Length : 0;
                string kept = $"{now} bytes kept in {partial}";
                if (attempt >= Retries)
                    throw new UnavailableException(
                        $"checkpoint {entry.Id}: the download from {entry.Url} broke off ({e.Message}) after {Retries + 1} attempts; {kept}: run the same command again to resume", e);
                log?.Invoke($"checkpoint {entry.Id}: the connection to {entry.Url.Host} broke off ({e.Message}); {kept}, resuming");
                Thread.Sleep(RetryDelay * (attempt + 1));
            }
        }
    }

    private void FetchHttp(IndexEntry entry, string partial, Action<DownloadProgress>? progress, Stopwatch clock)
    {
        string what = $"checkpoint {entry.Id}";
        long have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        if (entry.Size is long expected && have >= expected)
        {
            if (have == expected) return;
            File.Delete(partial);
            have = 0;
        }
        var request = new HttpRequestMessage(HttpMethod.Get, entry.Url);
        if (have > 0) request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(have, null);
        HttpResponseMessage response;
        try
        {
            using var headers = new CancellationTokenSource(IdleTimeout);
            response = _http.Send(request, HttpCompletionOption.ResponseHeadersRead, headers.Token);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            // Nothing came back at all: a wrong host, a closed port, no network. Resuming would not help.
            if (have == 0) throw CheckpointHttp.Unreachable(entry.Url, e, what);
            throw new TransferBrokenException(CheckpointHttp.Reason(e), e);
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && have > 0)
            {
                // The part on disk does not fit the file the server has now: start again.
                File.Delete(partial);
                throw new TransferBrokenException("the server refused to resume (HTTP 416); starting again");
            }
            if (!response.IsSuccessStatusCode) throw CheckpointHttp.Status(entry.Url, response, what);
            bool resumed = have > 0 && response.StatusCode == HttpStatusCode.PartialContent
                && response.Content.Headers.ContentRange is { From: long from } && from == have;
            if (!resumed) have = 0; // The server sent the whole file (no range support): overwrite the part.
            long? total = resumed
                ? response.Content.Headers.ContentRange!.Length ?? (response.Content.Headers.ContentLength + have)
                : response.Content.Headers.ContentLength ?? entry.Size;
            using var body = response.Content.ReadAsStream();
            using var file = new FileStream(partial, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write);
            long thisRun = Copy(body, file, have, total, progress, clock);
            if (total is long t && file.Length < t)
                throw new TransferBrokenException($"the server closed the connection after {file.Length} of {t} bytes");
            progress?.Invoke(new DownloadProgress(file.Length, total ?? file.Length, thisRun, clock.Elapsed, true));
        }
    }

    private void CopyFile(IndexEntry entry, string partial, Action<DownloadProgress>? progress, Stopwatch clock)
    {
        string path = entry.Url.LocalPath;
        if (!File.Exists(path))
            throw new InputDataException($"checkpoint {entry.Id}: {path} does not exist (the index entry's url is wrong or the file was removed)");
        using var source = File.OpenRead(path);
        long have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        if (have > source.Length) have = 0;
        source.Seek(have, SeekOrigin.Begin);
        using var file = new FileStream(partial, have > 0 ? FileMode.Append : FileMode.Create, FileAccess.Write);
        long thisRun = Copy(source, file, have, source.Length, progress, clock);
        progress?.Invoke(new DownloadProgress(file.Length, source.Length, thisRun, clock.Elapsed, true));
    }

    /// <summary>Appends the body to the file with progress reports; returns the bytes this call received.</summary>
    private long Copy(Stream body, FileStream file, long have, long? total, Action<DownloadProgress>? progress, Stopwatch clock)
    {
        var buffer = new byte[1 << 16];
        long thisRun = 0;
        progress?.Invoke(new DownloadProgress(have, total, 0, clock.Elapsed, false));
        while (true)
        {
            int n;
            try
            {
                using var idle = new CancellationTokenSource(IdleTimeout);
                n = body.ReadAsync(buffer, idle.Token).AsTask().GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
            {
                file.Flush();
                throw new TransferBrokenException(e is OperationCanceledException ? $"nothing received for {IdleTimeout.TotalSeconds:F0} s" : CheckpointHttp.Reason(e), e);
            }
            if (n == 0) break;
            file.Write(buffer, 0, n);
            have += n;
            thisRun += n;
            progress?.Invoke(new DownloadProgress(have, total, thisRun, clock.Elapsed, false));
        }
        file.Flush();
        return thisRun;
    }

    /// <summary>The size and hash the index gives; a mismatch deletes the file (it would never verify) and refuses it.</summary>
    private static void Verify(IndexEntry entry, string partial)
    {
        long size = new FileInfo(partial).Length;
        string refused = "refused, nothing was installed and the download was deleted";
        if (entry.Size is long expected && size != expected)
        {
            File.Delete(partial);
            throw new InputDataException($"checkpoint {entry.Id}: the file from {entry.Url} has {size} bytes, the index says {expected}: {refused}");
        }
        string actual;
        using (var f = File.OpenRead(partial)) actual = Convert.ToHexStringLower(SHA256.HashData(f));
        bool ok = entry.Sha256 is { } sha ? actual == sha : actual.StartsWith(entry.HashPrefix!, StringComparison.Ordinal);
        if (!ok)
        {
            File.Delete(partial);
            string expectedText = entry.Sha256 is { } s ? $"sha256 {s}" : $"a sha256 beginning {entry.HashPrefix} (from the file name, as torchvision checks it)";
            throw new InputDataException(
                $"checkpoint {entry.Id}: the file from {entry.Url} has sha256 {actual}, the index says {expectedText}: {refused}");
        }
    }

    private StoredCheckpoint Install(IndexEntry entry, string file, Action<string>? log)
    {
        if (entry.Torchvision is { } tv)
        {
            log?.Invoke($"checkpoint {entry.Id}: converting torchvision weights {entry.FileName}");
            var options = new TorchvisionImportOptions
            {
                Id = entry.Id,
                Arch = entry.Arch,
                Classes = tv.Classes,
                BatchNormEps = tv.BatchNormEps,
                Name = entry.Name,
                Alias = entry.Alias,
                Description = entry.Description ?? $"torchvision weights {entry.FileName}",
                Dataset = entry.Dataset.Name,
            };
            string target = Store.FolderOf(entry.Id);
            try
            {
                // The writer builds the folder under a temporary name next to the target and renames it.
                var info = entry.Kind == CheckpointKind.Backbone
                    ? TorchvisionImporter.ImportBackbone(file, options, target)
                    : TorchvisionImporter.Import(file, options, target);
                return Store.Find(info.Id)!;
            }
            catch (UsageException e)
            {
                throw new InputDataException($"checkpoint {entry.Id}: {entry.FileName} does not fit its index entry: {e.Message}", e);
            }
        }

        string staging = Store.NewStaging("download");
        try
        {
            string extracted = Path.Combine(staging, "archive");
            try
            {
                SafeTarGz.Extract(file, extracted);
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                throw new InputDataException($"checkpoint {entry.Id}: the archive from {entry.Url} was refused, nothing was installed: {e.Message}", e);
            }
            string folder = CheckpointStore.FindCheckpointFolder(extracted, entry.Url.ToString());
            var info = CheckpointStore.Read(folder);
            if (info.Id != entry.Id)
                throw new InputDataException($"checkpoint {entry.Id}: the archive from {entry.Url} holds checkpoint {info.Id}, not the index entry's {entry.Id}: refused, nothing was installed");
            if (info.Kind != entry.Kind)
                throw new InputDataException($"checkpoint {entry.Id}: the archive from {entry.Url} holds a {Lower(info.Kind)}, but the index entry says {Lower(entry.Kind)}: refused, nothing was installed");
            if (entry.Alias is not null && info.Alias != entry.Alias)
            {
                // The index's alias is how the user asked for it: the installed checkpoint answers to it.
                info = info with { Alias = entry.Alias };
                CheckpointStore.WriteInfo(folder, info);
            }
            return Store.Install(folder, info, Path.Combine(staging, "checkpoint"));
        }
        finally
        {
            CheckpointStore.DeleteQuietly(staging);
        }
    }

    private static string Lower(CheckpointKind kind) => kind == CheckpointKind.Detector ? "detector" : "backbone";

    private sealed class TransferBrokenException(string message, Exception? inner = null) : Exception(message, inner);
}
