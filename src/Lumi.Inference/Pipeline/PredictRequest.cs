using Lumi.Data.Errors;
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

    /// <summary>The option name of <see cref="Format"/>.</summary>
    public string FormatName => Format switch
    {
        OutputFormat.Coco => "coco",
        OutputFormat.Voc => "voc",
        OutputFormat.Csv => "csv",
        _ => "jsonl",
    };

    /// <summary>Checks what can be checked before the model is loaded: a <see cref="UsageException"/> saying the rule otherwise.</summary>
    public void Validate()
    {
        if (Inputs.Count == 0)
        {
            throw new UsageException("lumi predict: give the images to predict: files, directories, glob patterns or @list files");
        }
        if (Format == OutputFormat.Voc && Output is null)
        {
            throw new UsageException("--format voc writes one XML file per image: give their folder with --output DIR");
        }
        if (Format != OutputFormat.Voc && Output is not null && Directory.Exists(Output))
        {
            throw new UsageException($"--output {Output}: is a directory, but --format {FormatName} writes one file");
        }
    }
}
