using System.Globalization;
using System.Text.Json;
using Lumi.Data.Errors;

namespace Lumi.Models.Checkpoints.Store;

/// <summary>The store and the index together: what <c>lumi checkpoint list</c> and <c>info</c> show.</summary>
public static class CheckpointCatalog
{
    /// <summary>Every checkpoint of the index (in its order), then those only in the store (by id).</summary>
    public static IReadOnlyList<CheckpointRow> List(CheckpointStore store, CheckpointIndex index)
    {
        var local = store.List().ToDictionary(c => c.Info.Id);
        var rows = new List<CheckpointRow>();
        foreach (var entry in index.Entries)
        {
            local.Remove(entry.Id, out var stored);
            rows.Add(new CheckpointRow(stored, entry));
        }
        rows.AddRange(local.Values.OrderBy(c => c.Info.Id, StringComparer.Ordinal).Select(c => new CheckpointRow(c, null)));
        return rows;
    }

    /// <summary>The checkpoint with this id or alias in the store, else in the index; an error when neither has it.</summary>
    public static CheckpointRow Find(CheckpointStore store, CheckpointIndex index, string idOrAlias)
    {
        var stored = store.Find(idOrAlias);
        var entry = stored is not null ? index.Entries.FirstOrDefault(e => e.Id == stored.Info.Id) : index.Find(idOrAlias);
        if (stored is null && entry is not null) stored = store.Find(entry.Id);
        if (stored is null && entry is null)
            throw new InputDataException(
                $"checkpoint '{idOrAlias}': no checkpoint with that id or alias in {store.Root} or in the index {index.Source} (lumi checkpoint list shows what there is)");
        return new CheckpointRow(stored, entry);
    }

    /// <summary>
    /// Everything known about a checkpoint, one <c>key: value</c> line each: every field of <c>checkpoint.json</c> (the
    /// model configuration as indented JSON) and the size on disk for a local one, the index entry for a remote one.
    /// </summary>
    public static IReadOnlyList<string> Describe(CheckpointRow row)
    {
        var lines = new List<string>();
        void Add(string key, object? value) => lines.Add(string.Create(CultureInfo.InvariantCulture, $"{key + ":",-14}{value ?? "-"}"));
        Add("id", row.Id);
        Add("name", row.Name);
        Add("alias", row.Alias);
        Add("kind", row.Kind == CheckpointKind.Detector ? "detector" : "backbone");
        Add("arch", row.Arch);
        Add("dataset", string.Create(CultureInfo.InvariantCulture, $"{row.Dataset.Name} ({row.Dataset.NumClasses} classes)"));
        Add("status", row.Status.ToString().ToLowerInvariant());
        if (row.Local is { } local)
        {
            var info = local.Info;
            Add("classes", info.Classes.Count == 0 ? null : string.Join(", ", info.Classes));
            Add("description", info.Description);
            Add("created_at", info.CreatedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            Add("lumi_version", info.LumiVersion);
            Add("format", info.Format);
            Add("folder", local.Folder);
            Add("size on disk", Size(local.SizeOnDisk));
            foreach (var (name, file) in info.Files.OrderBy(f => f.Key, StringComparer.Ordinal))
                Add("file", string.Create(CultureInfo.InvariantCulture, $"{name} ({file.Size} bytes, sha256 {file.Sha256})"));
        }
        else
        {
            var names = row.Remote!.Classes ?? row.Remote.Torchvision?.Classes;
            Add("classes", names is null ? null : string.Join(", ", names));
            Add("description", row.Remote.Description);
        }
        if (row.Remote is { } remote)
        {
            Add("url", remote.Url);
            Add("download", remote.Size is long size ? Size(size) : "size not given");
            Add("hash", remote.Sha256 is { } sha ? $"sha256 {sha}" : $"sha256 prefix {remote.HashPrefix} (torchvision's file-name check)");
            if (remote.Torchvision is { } tv)
            {
                Add("torchvision", string.Create(CultureInfo.InvariantCulture,
                    $"converted on download; classes {(tv.Classes is null ? "none" : tv.Classes.Count + " names")}, batch-norm eps {tv.BatchNormEps}"));
            }
        }
        if (row.Local is { } l)
        {
            lines.Add("model:");
            string json = JsonSerializer.Serialize(l.Info.Model, CheckpointJson.Options);
            lines.AddRange(json.Split('\n').Select(line => "  " + line.TrimEnd('\r')));
        }
        return lines;
    }

    private static string Size(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:F1} MB ({bytes} bytes)");
}
