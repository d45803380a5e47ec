using Lumi.Inference.Outputs;

namespace Lumi.Inference.Pipeline;

/// <summary>Everything a <c>lumi predict</c> run needs besides the detector: inputs, outputs, filters and pipeline settings.</summary>
public sealed record PredictRequest
{
    /// <summary>Image files, directories, glob patterns and <c>@list</c> files (see <c>Lumi.Data.Inputs.PredictInputs</c>).</summary>
    public required IReadOnlyList<string> Inputs { get; init; }

    /// <summary>Whether directories are searched recursively.</summary>
    public bool Recursive { get; init; }

    public Shard Shard { get; init; } = Shard.All;

    public OutputFormat Format { get; init; } = OutputFormat.JsonLines;

    /// <summary>The output file (a folder for <see cref="OutputFormat.Voc"/>); null: stdout.</summary>
    public string? Output { get; init; }

    /// <summary>Where images with their detections drawn are saved; null: not saved.</summary>
    public string? MediaFolder { get; init; }

    public IReadOnlyList<string> OnlyClasses { get; init; } = [];

    public IReadOnlyList<string> IgnoreClasses { get; init; } = [];

    /// <summary>Stage sizes and filters; its <see cref="PipelineOptions.Classes"/> and <see cref="PipelineOptions.KeepOriginals"/> are set from this request.</summary>
    public PipelineOptions Pipeline { get; init; } = new();
}
