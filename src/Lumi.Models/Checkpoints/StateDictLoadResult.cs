namespace Lumi.Models.Checkpoints;

/// <summary>What <see cref="StateDictLoader"/> did with each key, all in the module's (or the file's) order.</summary>
/// <param name="Loaded">Module keys that received a value from the file.</param>
/// <param name="MissingKeys">Module keys the file has no value for (they keep their current value).</param>
/// <param name="UnexpectedKeys">File keys (after renaming) that the module has no parameter or buffer for.</param>
/// <param name="DroppedKeys">File keys accepted and ignored: <c>num_batches_tracked</c> where the module has no such
/// buffer (frozen batch norm), and keys the rename function maps to null.</param>
/// <param name="ShapeMismatches">Keys present on both sides with different shapes.</param>
public sealed record StateDictLoadResult(
    IReadOnlyList<string> Loaded,
    IReadOnlyList<string> MissingKeys,
    IReadOnlyList<string> UnexpectedKeys,
    IReadOnlyList<string> DroppedKeys,
    IReadOnlyList<ShapeMismatch> ShapeMismatches)
{
    public bool IsExact => MissingKeys.Count == 0 && UnexpectedKeys.Count == 0 && ShapeMismatches.Count == 0;
}
