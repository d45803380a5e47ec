namespace Lumi.Models.Checkpoints;

/// <summary>Bounds on what <see cref="SafeTarGz"/> extracts, against archives that would fill the disk.</summary>
public sealed record TarLimits(long MaxEntryBytes, long MaxTotalBytes, int MaxEntries)
{
    /// <summary>4 GiB per file, 16 GiB in all, 10 000 entries: far above any Faster R-CNN checkpoint.</summary>
    public static TarLimits Default { get; } = new(4L << 30, 16L << 30, 10_000);
}
