using System.Security.Cryptography;
using System.Text.Json;
using Lumi.Data.Errors;
using Lumi.Data.Paths;

namespace Lumi.Models.Checkpoints.Store;

/// <summary>
/// The local checkpoint store, <c>$LUMI_HOME/checkpoints/&lt;id&gt;/</c> (shared/DESIGN.md §6): listing, lookup by id or
/// alias, import from a folder or a <c>.tar.gz</c>, export, checkpoints made from a training run, deletion. Everything
/// that lands in the store is verified (every sha256 of <c>checkpoint.json</c>) in a temporary folder next to its
/// final place and renamed into it, so a failure never leaves half a checkpoint under an id.
/// </summary>
public sealed class CheckpointStore
{
    /// <param name="home">The Lumi home folder (the store is its <c>checkpoints/</c>).</param>
    public CheckpointStore(string home)
    {
        ArgumentException.ThrowIfNullOrEmpty(home);
        Home = Path.GetFullPath(home);
    }

    /// <summary>The store of <c>$LUMI_HOME</c> (default <c>~/.lumi</c>).</summary>
    public static CheckpointStore Default => new(LumiHome.Root);

    public string Home { get; }

    /// <summary><c>HOME/checkpoints</c>: one folder per checkpoint, named by its id.</summary>
    public string Root => Path.Combine(Home, "checkpoints");

    /// <summary>Where downloads are kept while they arrive (<c>.partial</c> files, resumed by the next attempt).</summary>
    public string Downloads => Path.Combine(Home, "downloads");

    public string FolderOf(string id) => Path.Combine(Root, id);

    /// <summary>Every checkpoint in the store, by id. Folders without a readable <c>checkpoint.json</c> are skipped.</summary>
    public IReadOnlyList<StoredCheckpoint> List()
    {
        var found = new List<StoredCheckpoint>();
        if (!Directory.Exists(Root)) return found;
        foreach (string folder in Directory.GetDirectories(Root).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(folder);
            if (name.StartsWith('.')) continue;
            if (TryRead(folder) is { } info && info.Id == name) found.Add(new StoredCheckpoint(info, folder, SizeOf(folder)));
        }
        return found;
    }

    /// <summary>The checkpoint with this id or alias, or null. An id wins over an alias.</summary>
    public StoredCheckpoint? Find(string idOrAlias)
    {
        ArgumentException.ThrowIfNullOrEmpty(idOrAlias);
        if (!idOrAlias.Contains('/') && !idOrAlias.Contains('\\') && idOrAlias is not ("." or ".."))
        {
            string folder = FolderOf(idOrAlias);
            if (File.Exists(Path.Combine(folder, CheckpointJson.FileName)))
            {
                CheckpointInfo info;
                try
                {
                    info = CheckpointReader.ReadInfo(folder, verifyFiles: false);
                }
                catch (Exception e) when (e is InvalidDataException or IOException)
                {
                    throw new InputDataException(e.Message, e);
                }
                return new StoredCheckpoint(info, folder, SizeOf(folder));
            }
        }
        return List().FirstOrDefault(c => c.Info.Alias == idOrAlias);
    }

    /// <summary>The checkpoint with this id or alias; an error naming the store when there is none.</summary>
    public StoredCheckpoint Get(string idOrAlias) =>
        Find(idOrAlias) ?? throw new InputDataException(
            $"checkpoint '{idOrAlias}': no checkpoint with that id or alias in {Root} (lumi checkpoint list shows what there is)");

    /// <summary>
    /// Copies a checkpoint into the store: a checkpoint folder, or a <c>.tar.gz</c> of one (extracted with the checks
    /// of <see cref="SafeTarGz"/>). Every file's sha256 is verified first; only <c>checkpoint.json</c> and the files it
    /// lists are kept. An id already in the store, or an alias another checkpoint has, is refused.
    /// </summary>
    public StoredCheckpoint Import(string source, TarLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        string staging = NewStaging("import");
        try
        {
            string folder;
            if (File.Exists(source))
            {
                if (!CheckpointResolver.ArchiveExtensions.Any(e => source.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
                    throw new InputDataException(
                        $"{source}: not a checkpoint archive (expected {string.Join(" or ", CheckpointResolver.ArchiveExtensions)}) " +
                        "or folder; import torchvision weights with --torchvision FILE.pth");
                string extracted = Path.Combine(staging, "archive");
                Wrap(() => SafeTarGz.Extract(source, extracted, limits));
                folder = FindCheckpointFolder(extracted, source);
            }
            else if (Directory.Exists(source))
            {
                if (!File.Exists(Path.Combine(source, CheckpointJson.FileName)))
                    throw new InputDataException($"{source} is not a checkpoint folder: it has no {CheckpointJson.FileName}");
                folder = source;
            }
            else
            {
                throw new InputDataException($"{source}: no such file or folder");
            }
            var info = Read(folder);
            return Install(folder, info, Path.Combine(staging, "checkpoint"));
        }
        finally
        {
            DeleteQuietly(staging);
        }
    }

    /// <summary>
    /// Makes a store checkpoint from a training run's best checkpoint, else its last (or from a checkpoint folder):
    /// a new id, the weights and the model configuration only — nothing else the run's checkpoint holds.
    /// </summary>
    /// <param name="chosen">Which checkpoint of the run was used, for the command to say.</param>
    public StoredCheckpoint CreateFromRun(string runDirectory, string? name, string? alias, string? description, out string chosen)
    {
        ArgumentException.ThrowIfNullOrEmpty(runDirectory);
        if (!Directory.Exists(runDirectory))
            throw new InputDataException($"{runDirectory}: no such folder (give a training run's folder)");
        ResolvedCheckpoint resolved;
        try
        {
            resolved = CheckpointResolver.Resolve(runDirectory);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new InputDataException(e.Message, e);
        }
        using (resolved)
        {
            chosen = resolved.Description;
            var source = Read(resolved.Folder);
            string id = CheckpointId.New();
            var info = source with
            {
                Id = id,
                Name = string.IsNullOrWhiteSpace(name) ? Path.GetFileName(Path.GetFullPath(runDirectory).TrimEnd(Path.DirectorySeparatorChar)) : name,
                Alias = alias,
                Description = description ?? source.Description,
                CreatedAt = DateTimeOffset.UtcNow,
                Files = new Dictionary<string, CheckpointFile>
                {
                    [CheckpointJson.WeightsFileName] = source.Files[CheckpointJson.WeightsFileName],
                },
            };
            string staging = NewStaging("create");
            try
            {
                string folder = Path.Combine(staging, "checkpoint");
                Directory.CreateDirectory(folder);
                File.Copy(Path.Combine(resolved.Folder, CheckpointJson.WeightsFileName), Path.Combine(folder, CheckpointJson.WeightsFileName));
                WriteInfo(folder, info);
                return Install(folder, Read(folder), null);
            }
            finally
            {
                DeleteQuietly(staging);
            }
        }
    }

    /// <summary>Packs a store checkpoint as a <c>.tar.gz</c> (entries under <c>&lt;id&gt;/</c>), written to a temporary name and renamed.</summary>
    public StoredCheckpoint Export(string idOrAlias, string archive)
    {
        ArgumentException.ThrowIfNullOrEmpty(archive);
        var checkpoint = Get(idOrAlias);
        CheckpointReader.VerifyFiles(checkpoint.Folder, checkpoint.Info);
        string? parent = Path.GetDirectoryName(Path.GetFullPath(archive));
        if (parent is not null && !Directory.Exists(parent))
            throw new InputDataException($"{archive}: the folder {parent} does not exist");
        SafeTarGz.Create(checkpoint.Folder, archive);
        return checkpoint;
    }

    /// <summary>Removes a checkpoint folder from the store (renamed away first, then deleted).</summary>
    public StoredCheckpoint Delete(string idOrAlias)
    {
        var checkpoint = Get(idOrAlias);
        string trash = Path.Combine(Root, $".delete-{checkpoint.Info.Id}-{Random()}");
        Directory.Move(checkpoint.Folder, trash);
        Directory.Delete(trash, recursive: true);
        // The export cache of a deleted checkpoint is of no use any more.
        DeleteQuietly(Path.Combine(Home, "cache", checkpoint.Info.Id));
        return checkpoint;
    }

    /// <summary>
    /// Moves a verified checkpoint folder into the store under its id. <paramref name="folder"/> is moved when it is in
    /// the store's staging area, else copied (only <c>checkpoint.json</c> and the files it lists) to <paramref name="copyTo"/> first.
    /// </summary>
    internal StoredCheckpoint Install(string folder, CheckpointInfo info, string? copyTo)
    {
        CheckNotPresent(info);
        string source = folder;
        if (copyTo is not null)
        {
            // Only checkpoint.json and the files it lists: nothing else a folder or an archive holds comes along.
            bool staged = Path.GetFullPath(folder).StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
            Directory.CreateDirectory(copyTo);
            foreach (string file in info.Files.Keys.Append(CheckpointJson.FileName))
            {
                if (staged) File.Move(Path.Combine(folder, file), Path.Combine(copyTo, file));
                else File.Copy(Path.Combine(folder, file), Path.Combine(copyTo, file));
            }
            source = copyTo;
        }
        string target = FolderOf(info.Id);
        try
        {
            Directory.Move(source, target);
        }
        catch (IOException) when (Directory.Exists(target))
        {
            throw new InputDataException($"checkpoint {info.Id} is already in the store ({target}); delete it first with lumi checkpoint delete {info.Id}");
        }
        return new StoredCheckpoint(info, target, SizeOf(target));
    }

    /// <summary>Refuses an id already in the store and an alias another checkpoint already has.</summary>
    internal void CheckNotPresent(CheckpointInfo info)
    {
        string target = FolderOf(info.Id);
        if (Directory.Exists(target))
            throw new InputDataException($"checkpoint {info.Id} is already in the store ({target}); delete it first with lumi checkpoint delete {info.Id}");
        if (info.Alias is { } alias && List().FirstOrDefault(c => c.Info.Alias == alias) is { } other)
            throw new InputDataException($"checkpoint {info.Id}: alias '{alias}' is already used by checkpoint {other.Info.Id} in the store; delete or rename that one first");
    }

    /// <summary>A new empty folder inside the store, on the same file system as its final place.</summary>
    internal string NewStaging(string purpose)
    {
        string path = Path.Combine(Root, $".{purpose}-{Random()}");
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>The checkpoint inside an extracted archive: at its root, or in its single top folder.</summary>
    internal static string FindCheckpointFolder(string extracted, string archive)
    {
        if (File.Exists(Path.Combine(extracted, CheckpointJson.FileName))) return extracted;
        var dirs = Directory.GetDirectories(extracted);
        if (dirs.Length == 1 && Directory.GetFiles(extracted).Length == 0 && File.Exists(Path.Combine(dirs[0], CheckpointJson.FileName)))
            return dirs[0];
        throw new InputDataException($"{archive} holds no checkpoint: expected {CheckpointJson.FileName} at its root or inside its single top folder");
    }

    /// <summary><c>checkpoint.json</c> of <paramref name="folder"/>, every listed file verified; errors as <see cref="InputDataException"/>.</summary>
    internal static CheckpointInfo Read(string folder)
    {
        try
        {
            return CheckpointReader.ReadInfo(folder);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new InputDataException(e.Message, e);
        }
    }

    internal static void WriteInfo(string folder, CheckpointInfo info) =>
        File.WriteAllBytes(Path.Combine(folder, CheckpointJson.FileName), JsonSerializer.SerializeToUtf8Bytes(info, CheckpointJson.Options));

    internal static void DeleteQuietly(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the next run; staging folders start with '.' and are never listed.
        }
    }

    internal static void Wrap(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new InputDataException(e.Message, e);
        }
    }

    private static CheckpointInfo? TryRead(string folder)
    {
        try
        {
            return CheckpointReader.ReadInfo(folder, verifyFiles: false);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return null;
        }
    }

    private static long SizeOf(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    private static string Random() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
}
