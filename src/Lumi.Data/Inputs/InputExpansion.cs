namespace Lumi.Data.Inputs;

/// <summary>The image paths an input list expands to, in order, and what the expansion skipped.</summary>
/// <param name="Files">Image paths in input order (directories and globs in ordinal order within themselves).</param>
/// <param name="SkippedNonImages">Files found in directories or globs whose extension is not an image format's.</param>
public sealed record InputExpansion(IReadOnlyList<string> Files, int SkippedNonImages);
