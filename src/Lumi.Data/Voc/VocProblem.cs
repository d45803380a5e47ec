namespace Lumi.Data.Voc;

/// <summary>
/// One thing <see cref="VocCheck"/> found, its message naming the file (and line where there is one).
/// An error would stop training or evaluation; a warning is something the reader adjusts or skips.
/// </summary>
public sealed record VocProblem(bool IsError, string Message)
{
    public override string ToString() => $"{(IsError ? "error" : "warning")}: {Message}";
}
