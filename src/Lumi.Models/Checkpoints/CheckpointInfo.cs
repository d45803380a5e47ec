using System.Reflection;
using Lumi.Data.Errors;
using Lumi.Models.FasterRcnn;

namespace Lumi.Models.Checkpoints;

/// <summary>
/// The contents of <c>checkpoint.json</c> (DESIGN §6), written with snake_case keys. <see cref="Files"/> is filled in
/// by <see cref="CheckpointWriter"/>; every other field comes from the caller.
/// </summary>
public sealed record CheckpointInfo
{
    /// <summary>The version of this file's layout; readers refuse a newer one.</summary>
    public const int CurrentFormat = 1;

    public int Format { get; init; } = CurrentFormat;

    /// <summary>A detector (the default; files without <c>kind</c> are detectors) or backbone weights.</summary>
    public CheckpointKind Kind { get; init; } = CheckpointKind.Detector;

    /// <summary>A short random hex id (<see cref="CheckpointId.New"/>), unique per checkpoint.</summary>
    public required string Id { get; init; }

    public required string Name { get; init; }

    public string? Alias { get; init; }

    public string? Description { get; init; }

    /// <summary>The architecture, e.g. <c>fasterrcnn_resnet50_fpn</c>.</summary>
    public required string Arch { get; init; }

    /// <summary>Class names; label L (1-based) names <c>Classes[L-1]</c>. Empty for a backbone.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    public required CheckpointDataset Dataset { get; init; }

    /// <summary>When the checkpoint was made, written in ISO 8601 UTC (<c>2025-01-31T12:00:00Z</c>).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    public string LumiVersion { get; init; } = CurrentLumiVersion;

    /// <summary>
    /// The model configuration, batch-norm epsilon included, needed to rebuild the network (for a backbone: the detector
    /// configuration its weights fit).
    /// </summary>
    public required FasterRcnnOptions Model { get; init; }

    /// <summary>File name → hash and size of every file of the checkpoint other than checkpoint.json.</summary>
    public IReadOnlyDictionary<string, CheckpointFile> Files { get; init; } = new Dictionary<string, CheckpointFile>();

    /// <summary>
    /// Refuses a backbone checkpoint where a detector is needed (prediction, export, evaluation), naming
    /// <paramref name="reference"/> (what the user typed) and what to use instead.
    /// </summary>
    /// <exception cref="InputDataException">This is a backbone checkpoint.</exception>
    public void RequireDetector(string reference)
    {
        if (Kind == CheckpointKind.Detector) return;
        string label = reference == Id ? $"checkpoint {Id}" : $"checkpoint '{reference}' ({Id})";
        throw new InputDataException(
            $"{label} is a backbone ({Arch}, {Name}): classification weights to train a detector from, not a detector; " +
            "prediction, export and evaluation need a detector checkpoint (lumi checkpoint list shows each one's kind)");
    }

    /// <summary>The version of the Lumi library that is running.</summary>
    public static string CurrentLumiVersion { get; } =
        typeof(CheckpointInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(CheckpointInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
