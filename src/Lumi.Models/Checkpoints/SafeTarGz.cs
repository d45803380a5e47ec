using System.Formats.Tar;
using System.IO.Compression;

namespace Lumi.Models.Checkpoints;

/// <summary>
/// Extracts a <c>.tar.gz</c> into a new folder, refusing anything that could write outside it or be something other
/// than plain files and folders: absolute paths, <c>..</c> segments, symbolic and hard links, devices, FIFOs, and
/// members over the size limits. The first refused entry stops the extraction and the folder is removed.
/// </summary>
public static class SafeTarGz
{
    public static void Extract(string archive, string destination, TarLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(archive);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        limits ??= TarLimits.Default;
        string root = Path.GetFullPath(destination);
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
            throw new IOException($"{destination} must be empty to extract {archive} into it.");
        Directory.CreateDirectory(root);
        try
        {
            ExtractInto(archive, root, limits);
        }
        catch
        {
            Directory.Delete(root, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Packs <paramref name="folder"/> (plain files and subfolders) into <paramref name="archive"/>, entries under the
    /// folder's name, through a temporary file and a rename.
    /// </summary>
    public static void Create(string folder, string archive)
    {
        string root = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        string name = Path.GetFileName(root);
        string temp = archive + ".tmp-" + Environment.ProcessId;
        try
        {
            using (var file = File.Create(temp))
            using (var gzip = new GZipStream(file, CompressionLevel.Optimal))
            using (var writer = new TarWriter(gzip, TarEntryFormat.Pax))
            {
                foreach (string path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    string relative = name + "/" + Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
                    if (Directory.Exists(path)) writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, relative + "/"));
                    else
                    {
                        using var data = File.OpenRead(path);
                        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, relative) { DataStream = data });
                    }
                }
            }
            File.Move(temp, archive, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static void ExtractInto(string archive, string root, TarLimits limits)
    {
        using var file = File.OpenRead(archive);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        long total = 0;
        int count = 0;
        string rootWithSeparator = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        while (true)
        {
            TarEntry? entry;
            try
            {
                entry = reader.GetNextEntry();
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
            {
                throw new InvalidDataException($"{archive} is not a readable .tar.gz ({e.Message}); it may be truncated.", e);
            }
            if (entry is null) break;
            if (entry.EntryType == TarEntryType.GlobalExtendedAttributes) continue;

            string name = entry.Name;
            InvalidDataException Refuse(string why) => new($"Refusing to extract {archive}: entry '{name}' {why}.");

            if (++count > limits.MaxEntries) throw Refuse($"is beyond the limit of {limits.MaxEntries} entries");
            if (name.Length == 0) throw Refuse("has an empty name");
            if (name.Contains('\0')) throw Refuse("has a NUL in its name");
            if (name.StartsWith('/') || name.StartsWith('\\') || Path.IsPathRooted(name) || (name.Length > 1 && name[1] == ':'))
                throw Refuse("is an absolute path");
            var segments = name.Split('/', '\\');
            if (segments.Any(s => s == ".."))
                throw Refuse("leaves the destination folder ('..')");
            bool isDirectory = entry.EntryType == TarEntryType.Directory;
            bool isFile = entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile;
            if (!isFile && !isDirectory)
            {
                throw Refuse(entry.EntryType switch
                {
                    TarEntryType.SymbolicLink => $"is a symbolic link (to '{entry.LinkName}')",
                    TarEntryType.HardLink => $"is a hard link (to '{entry.LinkName}')",
                    TarEntryType.CharacterDevice => "is a character device",
                    TarEntryType.BlockDevice => "is a block device",
                    TarEntryType.Fifo => "is a FIFO",
                    var t => $"is a {t} entry; only regular files and folders are extracted",
                });
            }
            string path = Path.GetFullPath(Path.Combine(root, name));
            if (!(path + Path.DirectorySeparatorChar).StartsWith(rootWithSeparator, StringComparison.Ordinal))
                throw Refuse("leaves the destination folder");
            if (isDirectory)
            {
                Directory.CreateDirectory(path);
                continue;
            }
            if (entry.Length > limits.MaxEntryBytes)
                throw Refuse($"is {entry.Length} bytes, over the limit of {limits.MaxEntryBytes} bytes per file");
            total += entry.Length;
            if (total > limits.MaxTotalBytes)
                throw Refuse($"brings the archive to {total} bytes, over the limit of {limits.MaxTotalBytes} bytes");

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            FileStream output;
            try
            {
                output = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            }
            catch (IOException) when (File.Exists(path) || Directory.Exists(path))
            {
                throw Refuse("appears twice");
            }
            using (output)
            {
                if (entry.DataStream is { } data) CopyAtMost(data, output, entry.Length, Refuse);
            }
        }
    }

    private static void CopyAtMost(Stream source, Stream destination, long length, Func<string, InvalidDataException> refuse)
    {
        var buffer = new byte[81920];
        long left = length;
        while (left > 0)
        {
            int n = source.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (n == 0) throw refuse("ends before its recorded size (the archive is truncated)");
            destination.Write(buffer, 0, n);
            left -= n;
        }
    }
}
