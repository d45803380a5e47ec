using System.Text.Json;
using Lumi.Data.Errors;

namespace Lumi.Models.Training;

/// <summary>
/// Where a run stands, saved with its last checkpoint (<c>training_state/state.json</c>; the optimizer's own state is
/// <c>optimizer.bin</c> beside it): enough for <c>--resume</c> to continue exactly as if never stopped.
/// </summary>
public sealed record TrainingState
{
    public const string FileName = "state.json";
    public const string OptimizerFileName = "optimizer.bin";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    /// <summary>Optimizer steps done.</summary>
    public int Step { get; init; }

    /// <summary>The epoch in progress (0-based) and the next batch of its plan.</summary>
    public int Epoch { get; init; }
    public int BatchInEpoch { get; init; }

    /// <summary>The data order of <see cref="Epoch"/>: batches of image indices.</summary>
    public int[][] Plan { get; init; } = [];

    public int TotalSteps { get; init; }
    public int StepsPerEpoch { get; init; }

    /// <summary>The state of the generator the proposal and RoI samplers draw from (base64 of torch's byte tensor).</summary>
    public string SamplerGenerator { get; init; } = "";

    public double? BestMap { get; init; }
    public int? BestStep { get; init; }
    public double? LastMap { get; init; }

    /// <summary>Images trained on and seconds spent, over all sessions of the run.</summary>
    public long ImagesSeen { get; init; }
    public double Seconds { get; init; }

    /// <summary>The id of the checkpoint this state belongs to.</summary>
    public string CheckpointId { get; init; } = "";

    public void Write(string folder)
    {
        Directory.CreateDirectory(folder);
        DurableFiles.WriteAllBytes(Path.Combine(folder, FileName), JsonSerializer.SerializeToUtf8Bytes(this, Json));
    }

    public static TrainingState Read(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            throw new InputDataException($"{path}: no training state to resume from (the run's last checkpoint has no {RunFolder.StateFolder}/)");
        }
        try
        {
            return JsonSerializer.Deserialize<TrainingState>(File.ReadAllBytes(path), Json)
                ?? throw new InputDataException($"{path}: empty training state");
        }
        catch (JsonException e)
        {
            throw new InputDataException($"{path}: not a training state: {e.Message}", e);
        }
    }
}
