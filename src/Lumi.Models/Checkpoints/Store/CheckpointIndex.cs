using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lumi.Data.Classes;
using Lumi.Data.Errors;

namespace Lumi.Models.Checkpoints.Store;

/// <summary>
/// A remote checkpoint index, <c>{"checkpoints": [entry, ...]}</c>, parsed and validated: every problem names the
/// index, the entry (position and id) and the field. Ids and aliases are unique within an index.
/// </summary>
public sealed partial class CheckpointIndex
{
    /// <summary>The fields an entry may have.</summary>
    public static IReadOnlyList<string> EntryFields { get; } = new[]
    {
        "id", "name", "alias", "kind", "arch", "dataset", "classes", "url", "sha256", "size", "description", "torchvision",
    };

    private static readonly string[] TorchvisionFields = { "classes", "batch_norm_eps" };
    private static readonly string[] ArchiveExtensions = { ".tar.gz", ".tgz" };
    private static readonly string[] TorchExtensions = { ".pth", ".pt" };

    private CheckpointIndex(string source, IReadOnlyList<IndexEntry> entries)
    {
        Source = source;
        Entries = entries;
    }

    /// <summary>An index with no entries (when the real one cannot be had and only the store is shown).</summary>
    public static CheckpointIndex Empty(string source) => new(source, Array.Empty<IndexEntry>());

    /// <summary>Where the index was read from (a URL, a path, or the built-in index).</summary>
    public string Source { get; }

    public IReadOnlyList<IndexEntry> Entries { get; }

    /// <summary>The entry with this id, else the one with this alias, else null.</summary>
    public IndexEntry? Find(string idOrAlias) =>
        Entries.FirstOrDefault(e => e.Id == idOrAlias) ?? Entries.FirstOrDefault(e => e.Alias == idOrAlias);

    /// <summary>Parses an index's text.</summary>
    /// <param name="source">Named in error messages.</param>
    /// <param name="baseUri">What relative entry URLs are resolved against (the index's own location); null refuses them.</param>
    /// <exception cref="InputDataException">The text is not an index, or an entry is invalid.</exception>
    public static CheckpointIndex Parse(string json, string source, Uri? baseUri)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new InputDataException($"{source}: not valid JSON ({e.Message})", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("checkpoints", out var list))
                throw new InputDataException($"{source}: not a checkpoint index: expected a JSON object {{\"checkpoints\": [entry, ...]}}");
            if (list.ValueKind != JsonValueKind.Array)
                throw new InputDataException($"{source}: 'checkpoints' must be an array of entries, not {Describe(list)}");
            var entries = new List<IndexEntry>();
            int i = 0;
            foreach (var element in list.EnumerateArray())
            {
                var entry = ParseEntry(element, $"{source}: checkpoints[{i}]", baseUri);
                if (entries.FirstOrDefault(e => e.Id == entry.Id) is { } sameId)
                    throw new InputDataException($"{source}: checkpoints[{i}]: id '{entry.Id}' appears twice ('{sameId.Name}' has it too)");
                if (entry.Alias is { } alias && entries.FirstOrDefault(e => e.Alias == alias || e.Id == alias) is { } sameAlias)
                    throw new InputDataException($"{source}: checkpoints[{i}] ({entry.Id}): alias '{alias}' is already used by {sameAlias.Id}");
                entries.Add(entry);
                i++;
            }
            return new CheckpointIndex(source, entries);
        }
    }

    /// <summary>Reads an index file from disk (a cached or a local index).</summary>
    public static CheckpointIndex ReadFile(string path, string? source = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputDataException($"{path}: cannot read the checkpoint index ({e.Message})", e);
        }
        return Parse(text, source ?? path, new Uri(Path.GetFullPath(path)));
    }

    private static IndexEntry ParseEntry(JsonElement e, string where, Uri? baseUri)
    {
        if (e.ValueKind != JsonValueKind.Object)
            throw new InputDataException($"{where}: an entry must be a JSON object, not {Describe(e)}");
        if (e.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String)
            where += $" ({idElement.GetString()})";
        foreach (var property in e.EnumerateObject())
        {
            if (!EntryFields.Contains(property.Name))
                throw new InputDataException($"{where}: unknown field '{property.Name}'; an entry has {string.Join(", ", EntryFields)}");
        }

        string id = RequiredString(e, "id", where);
        if (!CheckpointId.IsValid(id))
            throw new InputDataException($"{where}: field 'id' must be {CheckpointId.Length} lower-case hex digits, not '{id}'");
        string name = RequiredString(e, "name", where);
        string? alias = OptionalString(e, "alias", where);
        if (alias is not null && (alias.Length == 0 || alias.Any(c => char.IsWhiteSpace(c) || c is '/' or '\\')))
            throw new InputDataException($"{where}: field 'alias' must be a non-empty name without spaces or slashes, not '{alias}'");
        string kindText = RequiredString(e, "kind", where);
        var kind = kindText switch
        {
            "detector" => CheckpointKind.Detector,
            "backbone" => CheckpointKind.Backbone,
            _ => throw new InputDataException($"{where}: field 'kind' must be detector or backbone, not '{kindText}'"),
        };
        string arch = RequiredString(e, "arch", where);
        var archs = kind == CheckpointKind.Detector ? TorchvisionImporter.Architectures : TorchvisionImporter.BackboneArchitectures;
        if (!archs.Contains(arch))
            throw new InputDataException($"{where}: field 'arch' of a {kindText} must be one of {string.Join(", ", archs)}, not '{arch}'");

        var dataset = Required(e, "dataset", where);
        if (dataset.ValueKind != JsonValueKind.Object)
            throw new InputDataException($"{where}: field 'dataset' must be an object {{\"name\": ..., \"num_classes\": ...}}, not {Describe(dataset)}");
        string datasetName = RequiredString(dataset, "name", where, "dataset.");
        var numClassesElement = Required(dataset, "num_classes", where, "dataset.");
        if (numClassesElement.ValueKind != JsonValueKind.Number || !numClassesElement.TryGetInt32(out int numClasses) || numClasses < 1)
            throw new InputDataException($"{where}: field 'dataset.num_classes' must be a positive integer, not {Describe(numClassesElement)}");

        IReadOnlyList<string>? classes = null;
        if (e.TryGetProperty("classes", out var classesElement) && classesElement.ValueKind != JsonValueKind.Null)
        {
            classes = StringArray(classesElement, where, "classes");
            if (classes.Count != numClasses)
                throw new InputDataException($"{where}: field 'classes' has {classes.Count} names but dataset.num_classes is {numClasses}");
        }

        string urlText = RequiredString(e, "url", where);
        Uri url = ResolveUrl(urlText, baseUri, where);

        string? sha256 = OptionalString(e, "sha256", where);
        if (sha256 is not null && !Sha256Regex().IsMatch(sha256))
            throw new InputDataException($"{where}: field 'sha256' must be 64 lower-case hex digits, not '{sha256}'");

        long? size = null;
        if (e.TryGetProperty("size", out var sizeElement) && sizeElement.ValueKind != JsonValueKind.Null)
        {
            if (sizeElement.ValueKind != JsonValueKind.Number || !sizeElement.TryGetInt64(out long s) || s < 1)
                throw new InputDataException($"{where}: field 'size' must be a positive number of bytes, not {Describe(sizeElement)}");
            size = s;
        }
        string? description = OptionalString(e, "description", where);

        var entryName = new IndexEntry
        {
            Id = id, Name = name, Kind = kind, Arch = arch, Url = url,
            Dataset = new CheckpointDataset(datasetName, numClasses),
        }.FileName;
        TorchvisionEntry? torchvision = null;
        if (e.TryGetProperty("torchvision", out var tvElement) && tvElement.ValueKind != JsonValueKind.Null)
        {
            if (!TorchExtensions.Any(x => entryName.EndsWith(x, StringComparison.OrdinalIgnoreCase)))
                throw new InputDataException($"{where}: field 'torchvision' is for a torchvision .pth file, but the url names '{entryName}'");
            torchvision = ParseTorchvision(tvElement, kind, numClasses, where);
        }
        else if (!ArchiveExtensions.Any(x => entryName.EndsWith(x, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InputDataException(
                $"{where}: the url must name a checkpoint archive (.tar.gz or .tgz), or a torchvision .pth with a 'torchvision' field, not '{entryName}'");
        }

        string? prefix = null;
        if (sha256 is null)
        {
            prefix = torchvision is null ? null : TorchvisionHashPrefix(entryName);
            if (prefix is null)
                throw new InputDataException(
                    torchvision is null
                        ? $"{where}: field 'sha256' is required"
                        : $"{where}: field 'sha256' is required: the file name '{entryName}' carries no torchvision hash (name-<hex digits>.pth)");
        }

        return new IndexEntry
        {
            Id = id, Name = name, Alias = alias, Kind = kind, Arch = arch,
            Dataset = new CheckpointDataset(datasetName, numClasses), Classes = classes, Url = url,
            Sha256 = sha256, HashPrefix = prefix, Size = size, Description = description, Torchvision = torchvision,
        };
    }

    private static TorchvisionEntry ParseTorchvision(JsonElement tv, CheckpointKind kind, int numClasses, string where)
    {
        if (tv.ValueKind != JsonValueKind.Object)
            throw new InputDataException($"{where}: field 'torchvision' must be an object {{\"classes\": ..., \"batch_norm_eps\": ...}}, not {Describe(tv)}");
        foreach (var property in tv.EnumerateObject())
        {
            if (!TorchvisionFields.Contains(property.Name))
                throw new InputDataException($"{where}: unknown field 'torchvision.{property.Name}'; it has {string.Join(", ", TorchvisionFields)}");
        }
        double eps = kind == CheckpointKind.Detector ? 0.0 : 1e-5;
        if (tv.TryGetProperty("batch_norm_eps", out var epsElement))
        {
            if (epsElement.ValueKind != JsonValueKind.Number || !epsElement.TryGetDouble(out eps) || eps < 0 || eps > 1)
                throw new InputDataException($"{where}: field 'torchvision.batch_norm_eps' must be a number in [0, 1], not {Describe(epsElement)}");
        }
        ClassList? classes = null;
        if (tv.TryGetProperty("classes", out var c) && c.ValueKind != JsonValueKind.Null)
        {
            if (kind == CheckpointKind.Backbone)
                throw new InputDataException($"{where}: field 'torchvision.classes' is for detectors; a backbone has no detection classes");
            try
            {
                classes = c.ValueKind switch
                {
                    JsonValueKind.String => c.GetString() switch
                    {
                        "coco" => ClassList.Coco,
                        "voc" => ClassList.Voc,
                        var other => throw new InputDataException($"{where}: field 'torchvision.classes' must be a preset (coco, voc) or an array of names, not '{other}'"),
                    },
                    JsonValueKind.Array => new ClassList(StringArray(c, where, "torchvision.classes")),
                    _ => throw new InputDataException($"{where}: field 'torchvision.classes' must be a preset (coco, voc) or an array of names, not {Describe(c)}"),
                };
            }
            catch (UsageException ex)
            {
                throw new InputDataException($"{where}: field 'torchvision.classes': {ex.Message}", ex);
            }
            if (classes.Count != numClasses)
                throw new InputDataException($"{where}: field 'torchvision.classes' has {classes.Count} names but dataset.num_classes is {numClasses}");
        }
        else if (kind == CheckpointKind.Detector)
        {
            throw new InputDataException($"{where}: field 'torchvision.classes' is required for a detector (a preset: coco, voc; or an array of names)");
        }
        return new TorchvisionEntry(classes, eps);
    }

    /// <summary>
    /// The hash prefix torchvision reads from a file name: the first <c>-</c>, hex digits, <c>.</c> (torch.hub's
    /// <c>HASH_REGEX</c>); null when there is none or it is empty.
    /// </summary>
    public static string? TorchvisionHashPrefix(string fileName)
    {
        var match = HashPrefixRegex().Match(fileName);
        return match.Success && match.Groups[1].Length > 0 ? match.Groups[1].Value : null;
    }

    private static Uri ResolveUrl(string text, Uri? baseUri, string where)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https" or "file")
            return absolute;
        if (Uri.TryCreate(text, UriKind.Absolute, out var other) && other.Scheme.Length > 1)
            throw new InputDataException($"{where}: field 'url' must be http, https or file, not '{other.Scheme}:' ({text})");
        if (baseUri is null)
            throw new InputDataException($"{where}: field 'url' is relative ('{text}') but this index has no location to resolve it against; give an absolute URL");
        if (!Uri.TryCreate(baseUri, text, out var resolved))
            throw new InputDataException($"{where}: field 'url' '{text}' is not a URL");
        return resolved;
    }

    private static JsonElement Required(JsonElement e, string field, string where, string prefix = "")
    {
        if (!e.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            throw new InputDataException($"{where}: required field '{prefix}{field}' is missing");
        return value;
    }

    private static string RequiredString(JsonElement e, string field, string where, string prefix = "")
    {
        var value = Required(e, field, where, prefix);
        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
            throw new InputDataException($"{where}: field '{prefix}{field}' must be a non-empty string, not {Describe(value)}");
        return value.GetString()!;
    }

    private static string? OptionalString(JsonElement e, string field, string where)
    {
        if (!e.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String)
            throw new InputDataException($"{where}: field '{field}' must be a string, not {Describe(value)}");
        return value.GetString();
    }

    private static IReadOnlyList<string> StringArray(JsonElement e, string where, string field)
    {
        if (e.ValueKind != JsonValueKind.Array || e.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(x.GetString())))
            throw new InputDataException($"{where}: field '{field}' must be an array of non-empty names");
        return e.EnumerateArray().Select(x => x.GetString()!).ToList();
    }

    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => $"'{e.GetString()}'",
        JsonValueKind.Number => e.GetRawText(),
        JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => e.ValueKind.ToString().ToLower(CultureInfo.InvariantCulture),
    };

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Regex();

    [GeneratedRegex(@"-([a-f0-9]*)\.")]
    private static partial Regex HashPrefixRegex();
}
