using Lumi.Data;
using Lumi.Inference;
using Lumi.Models.FasterRcnn;
using Lumi.Models.Training;

namespace Lumi.Cli.Config;

/// <summary>
/// The whole configuration: one section per component, each handed only to its component.
/// <c>configs/fasterrcnn/base.yml</c> holds every default and mirrors these records key for key.
/// </summary>
public sealed record LumiConfig
{
    public FasterRcnnOptions Model { get; init; } = new();
    public TrainOptions Train { get; init; } = new();
    public DataOptions Data { get; init; } = new();
    public PredictOptions Predict { get; init; } = new();
}
