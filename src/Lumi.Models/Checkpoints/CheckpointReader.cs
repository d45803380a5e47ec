using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lumi.Models.Checkpoints;

/// <summary>
/// Reads a checkpoint folder: checks that <c>checkpoint.json</c> has every required field, that every file it lists
/// has the recorded SHA-256, then loads the weights.
/// </summary>
public static class CheckpointReader
{
    private static readonly string[] RequiredFields =
        { "format", "id", "name", "arch", "classes", "dataset", "dataset.name", "dataset.num_classes", "created_at", "lumi_version", "model", "files" };

    /// <summary>The checkpoint in <paramref name="folder"/>, verified, with its weights on the CPU.</summary>
    public static Checkpoint Read(string folder)
    {
        var info = ReadInfo(folder);
        var weights = SafeTensors.Read(Path.Combine(folder, CheckpointJson.WeightsFileName));
        return new Checkpoint(folder, info, weights);
    }

    /// <summary><c>checkpoint.json</c>, validated, after verifying the hash of every file it lists.</summary>
    /// <exception cref="InvalidDataException">A field is missing or invalid, or a file is missing or altered.</exception>
    public static CheckpointInfo ReadInfo(string folder, bool verifyFiles = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        string jsonPath = Path.Combine(folder, CheckpointJson.FileName);
        if (!File.Exists(jsonPath))
            throw new FileNotFoundException($"{folder} is not a checkpoint: it has no {CheckpointJson.FileName}.", jsonPath);

        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(jsonPath))?.AsObject() ?? throw new InvalidDataException($"{jsonPath} is empty.");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new InvalidDataException($"{jsonPath} is not a JSON object ({e.Message}).", e);
        }
        foreach (string field in RequiredFields)
        {
            JsonNode? node = root;
            foreach (string part in field.Split('.')) node = node is JsonObject o ? o[part] : null;
            if (node is null)
                throw new InvalidDataException($"{jsonPath}: required field '{field}' is missing.");
        }
        if (root["format"] is JsonValue v && v.TryGetValue(out int format) && format > CheckpointInfo.CurrentFormat)
            throw new InvalidDataException($"{jsonPath}: format {format} is newer than this Lumi reads ({CheckpointInfo.CurrentFormat}); upgrade Lumi.");

        CheckpointInfo info;
        try
        {
            info = root.Deserialize<CheckpointInfo>(CheckpointJson.Options) ?? throw new InvalidDataException($"{jsonPath} is empty.");
        }
        catch (JsonException e)
        {
            string field = string.IsNullOrEmpty(e.Path) ? "" : $" at '{e.Path.TrimStart('$', '.')}'";
            throw new InvalidDataException($"{jsonPath}: invalid value{field}: {e.Message}", e);
        }
        Validate(info, jsonPath);
        if (!info.Files.ContainsKey(CheckpointJson.WeightsFileName))
            throw new InvalidDataException($"{jsonPath}: required field 'files.{CheckpointJson.WeightsFileName}' is missing.");
        if (verifyFiles) VerifyFiles(folder, info);
        return info;
    }

    /// <summary>Checks every listed file's presence, size and SHA-256.</summary>
    public static void VerifyFiles(string folder, CheckpointInfo info)
    {
        foreach (var (name, expected) in info.Files)
        {
            if (name.Length == 0 || name.IndexOfAny(new[] { '/', '\\' }) >= 0 || name is "." or "..")
                throw new InvalidDataException($"{Path.Combine(folder, CheckpointJson.FileName)}: file name '{name}' is not a plain name inside the checkpoint folder.");
            string path = Path.Combine(folder, name);
            if (!File.Exists(path))
                throw new InvalidDataException($"{path} is missing; {CheckpointJson.FileName} lists it.");
            var actual = CheckpointWriter.Describe(path);
            if (!string.Equals(actual.Sha256, expected.Sha256, StringComparison.OrdinalIgnoreCase) || actual.Size != expected.Size)
                throw new InvalidDataException(
                    $"{path} does not match {CheckpointJson.FileName} (sha256 {actual.Sha256}, {actual.Size} bytes; expected {expected.Sha256}, {expected.Size} bytes): the file is corrupt or was modified.");
        }
    }

    internal static void Validate(CheckpointInfo info, string where)
    {
        void Require(bool ok, string field, string rule)
        {
            if (!ok) throw new InvalidDataException($"{where}: field '{field}' {rule}.");
        }

        Require(info.Id is not null && CheckpointId.IsValid(info.Id), "id", $"must be {CheckpointId.Length} lower-case hex digits, not '{info.Id}'");
        Require(!string.IsNullOrWhiteSpace(info.Name), "name", "must not be empty");
        Require(!string.IsNullOrWhiteSpace(info.Arch), "arch", "must not be empty");
        Require(Enum.IsDefined(info.Kind), "kind", "must be detector or backbone");
        Require(info.Classes is not null, "classes", "is required");
        Require(info.Kind == CheckpointKind.Backbone || info.Classes!.Count > 0, "classes", "must list at least one class");
        Require(info.Classes!.All(c => !string.IsNullOrEmpty(c)), "classes", "must not hold empty names");
        Require(info.Dataset is not null, "dataset", "is required");
        Require(!string.IsNullOrWhiteSpace(info.Dataset!.Name), "dataset.name", "must not be empty");
        Require(info.Dataset.NumClasses > 0, "dataset.num_classes", "must be positive");
        Require(info.Model is not null, "model", "is required");
        Require(!string.IsNullOrWhiteSpace(info.LumiVersion), "lumi_version", "must not be empty");
        Require(info.Files is not null, "files", "is required");
    }
}
