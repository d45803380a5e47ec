namespace Lumi.Models.Training;

/// <summary>What a training run ended with.</summary>
/// <param name="RunDir">The run folder.</param>
/// <param name="Steps">Optimizer steps done in total (a resumed run counts the steps before the resume).</param>
/// <param name="Interrupted">The run stopped early on request (Ctrl-C, SIGTERM) after writing its last checkpoint.</param>
/// <param name="LastCheckpoint">The folder of the last checkpoint.</param>
/// <param name="BestCheckpoint">The folder of the best checkpoint by validation mAP, when there was validation.</param>
/// <param name="LastMap">mAP@0.5 (VOC07 11-point) of the last validation, when there was one.</param>
/// <param name="BestMap">The best validation mAP@0.5 seen.</param>
/// <param name="FinalLosses">The smoothed loss terms at the end.</param>
public sealed record TrainResult(
    string RunDir,
    int Steps,
    bool Interrupted,
    string LastCheckpoint,
    string? BestCheckpoint,
    double? LastMap,
    double? BestMap,
    IReadOnlyDictionary<string, double> FinalLosses);
