using System.Text.Json;
using Lumi.Data.Errors;
using Lumi.Data.Paths;

namespace Lumi.Models.Checkpoints;

/// <summary>
/// Finds a checkpoint from what a user typed: a path (checkpoint folder, <c>.tar.gz</c>, run directory), or the
/// id or alias of a checkpoint in the store (<c>$LUMI_HOME/checkpoints</c>).
/// </summary>
public static class CheckpointLocator
{
    public static ResolvedCheckpoint Locate(string reference)
    {
        if (Directory.Exists(reference) || File.Exists(reference))
            return Resolve(reference);
        string store = LumiHome.Checkpoints;
        string byId = Path.Combine(store, reference);
        if (!reference.Contains('/') && Directory.Exists(byId))
            return Resolve(byId);
        if (Directory.Exists(store))
        {
            foreach (string folder in Directory.GetDirectories(store).Order(StringComparer.Ordinal))
            {
                string json = Path.Combine(folder, "checkpoint.json");
                if (!File.Exists(json)) continue;
                try
                {
                    using var doc = JsonDocument.Parse(File.ReadAllText(json));
                    if (doc.RootElement.TryGetProperty("alias", out var alias) && alias.ValueKind == JsonValueKind.String
                        && alias.GetString() == reference)
                        return Resolve(folder);
                }
                catch (JsonException)
                {
                    // A broken entry in the store is reported when it is used by its id, not while searching aliases.
                }
            }
        }
        throw new InputDataException(
            $"checkpoint '{reference}': no such path, and no checkpoint with that id or alias in {store}");
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
