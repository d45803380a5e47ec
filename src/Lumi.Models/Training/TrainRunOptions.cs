using Lumi.Data;
using Lumi.Data.Classes;
using Lumi.Data.Devices;
using Lumi.Models.FasterRcnn;

namespace Lumi.Models.Training;

/// <summary>Everything one call of <see cref="Trainer.Run"/> needs: the configuration's sections, the data and the run folder.</summary>
public sealed record TrainRunOptions
{
    /// <summary>The model section; <see cref="FasterRcnnOptions.NumClasses"/> is replaced by the class list's length.</summary>
    public FasterRcnnOptions Model { get; init; } = new();
    public TrainOptions Train { get; init; } = new();
    public DataOptions Data { get; init; } = new();

    /// <summary>VOCdevkit roots, read in order (e.g. VOC2007 and VOC2012).</summary>
    public IReadOnlyList<string> Datasets { get; init; } = [];

    /// <summary>
    /// The validation split. Null: <see cref="DataOptions.TestSplit"/> when every root has it, else no validation
    /// (with a notice). A split named here must exist.
    /// </summary>
    public string? ValSplit { get; init; }

    /// <summary>The class list; null discovers it from the training annotations (sorted).</summary>
    public ClassList? Classes { get; init; }

    /// <summary>The run's name (checkpoints are named after it); the run folder defaults to <c>runs/&lt;name&gt;</c>.</summary>
    public string Name { get; init; } = "train";

    /// <summary>The run folder; null means <c>runs/&lt;Name&gt;</c>.</summary>
    public string? RunDir { get; init; }

    /// <summary>Start from these weights: a checkpoint (id, alias, path, run folder) or a torchvision <c>.pth</c>.</summary>
    public string? InitFrom { get; init; }

    /// <summary>Continue the run in <see cref="RunDir"/> from its last checkpoint, exactly where it stopped.</summary>
    public bool Resume { get; init; }

    public DeviceSpec Device { get; init; } = DeviceSpec.Auto;

    /// <summary>No progress bar (notices and warnings are still written).</summary>
    public bool Quiet { get; init; }

    /// <summary>The merged configuration as YAML, written to the run folder as <c>config.yml</c>.</summary>
    public string? ConfigYaml { get; init; }

    /// <summary>Seconds between progress lines.</summary>
    public double ProgressSeconds { get; init; } = 2;

    public string ResolvedRunDir => RunDir ?? Path.Combine("runs", Name);
}
