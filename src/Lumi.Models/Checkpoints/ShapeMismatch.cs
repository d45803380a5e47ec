namespace Lumi.Models.Checkpoints;

/// <summary>A state-dict entry whose shape differs from the module's parameter or buffer of that name.</summary>
public sealed record ShapeMismatch(string Key, long[] FileShape, long[] ModuleShape)
{
    public override string ToString() =>
        $"size mismatch for '{Key}': the file has [{string.Join(", ", FileShape)}], the module has [{string.Join(", ", ModuleShape)}]";
}
