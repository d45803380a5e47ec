using Lumi.Data.Errors;

namespace Lumi.Inference.Outputs;

/// <summary>The formats <c>lumi predict</c> writes (shared/DESIGN.md §5).</summary>
public enum OutputFormat
{
    /// <summary><c>jsonl</c>: one JSON object per image and line (the default).</summary>
    JsonLines,

    /// <summary><c>coco</c>: a pycocotools results array.</summary>
    Coco,

    /// <summary><c>voc</c>: one Pascal VOC XML per image in a folder.</summary>
    Voc,

    /// <summary><c>csv</c>: one row per detection.</summary>
    Csv,
}

/// <summary>The names of <see cref="OutputFormat"/> on the command line and in the configuration.</summary>
public static class OutputFormats
{
    public const string Names = "jsonl, coco, voc, csv";

    public static OutputFormat Parse(string name) => name?.ToLowerInvariant() switch
    {
        "jsonl" => OutputFormat.JsonLines,
        "coco" => OutputFormat.Coco,
        "voc" => OutputFormat.Voc,
        "csv" => OutputFormat.Csv,
        _ => throw new UsageException($"--format: '{name}' is unknown; valid: {Names}"),
    };
}
