namespace Lumi.Models.Checkpoints.Store;

/// <summary>
/// One checkpoint of a remote index (<c>{"checkpoints": [entry, ...]}</c>, Luminoth's shape). <see cref="Url"/> is
/// absolute (a relative one in the file is resolved against the index's own location).
/// </summary>
public sealed record IndexEntry
{
    /// <summary>The checkpoint's id: 12 lower-case hex digits; the installed checkpoint has it.</summary>
    public required string Id { get; init; }

    public required string Name { get; init; }

    public string? Alias { get; init; }

    public required CheckpointKind Kind { get; init; }

    /// <summary><c>fasterrcnn_resnet50_fpn</c> and the like for a detector, <c>resnet50</c> and the like for a backbone.</summary>
    public required string Arch { get; init; }

    public required CheckpointDataset Dataset { get; init; }

    /// <summary>Class names as the index gives them (optional: the archive's <c>checkpoint.json</c> is authoritative).</summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>An absolute http(s) or file URL of a checkpoint <c>.tar.gz</c> or a torchvision <c>.pth</c>.</summary>
    public required Uri Url { get; init; }

    /// <summary>The SHA-256 of the file at <see cref="Url"/> (lower-case hex); null when only <see cref="HashPrefix"/> is known.</summary>
    public string? Sha256 { get; init; }

    /// <summary>
    /// torchvision's check when there is no <see cref="Sha256"/>: the hex digits between a <c>-</c> and a <c>.</c> of
    /// the file name (<c>resnet50-0676ba61.pth</c>, found as <c>torch.hub</c> finds them) must begin the file's SHA-256.
    /// </summary>
    public string? HashPrefix { get; init; }

    /// <summary>The file's size in bytes, when the index gives it (checked after the download).</summary>
    public long? Size { get; init; }

    public string? Description { get; init; }

    /// <summary>Set when <see cref="Url"/> is a torchvision <c>.pth</c> to convert on download.</summary>
    public TorchvisionEntry? Torchvision { get; init; }

    /// <summary>The file name at the end of <see cref="Url"/>.</summary>
    public string FileName => Path.GetFileName(Url.IsFile ? Url.LocalPath : Uri.UnescapeDataString(Url.AbsolutePath));

    /// <summary>Where the file comes from, for listings: the host of an http(s) URL, else <c>file</c>.</summary>
    public string SourceLabel => Url.IsFile ? "file" : Url.IsDefaultPort ? Url.Host : $"{Url.Host}:{Url.Port}";
}
