namespace Lumi.Models.Training;

/// <summary>
/// The learning rate at each optimizer step: a linear warm-up from <c>warmup_factor</c> (torchvision's
/// <c>LinearLR</c> in its reference scripts), multiplied by a multi-step (milestones in epochs), cosine (to zero at
/// the last step) or constant schedule. With <c>scale_learning_rate</c> the base rate follows the linear scaling rule:
/// <c>learning_rate × batch_size × accumulate / reference_batch_size</c>.
/// </summary>
public sealed class LearningRateSchedule
{
    private readonly LrScheduleOptions _options;
    private readonly int _totalSteps;
    private readonly int _stepsPerEpoch;

    public LearningRateSchedule(TrainOptions train, int totalSteps, int stepsPerEpoch)
    {
        ArgumentNullException.ThrowIfNull(train);
        _options = train.LrSchedule;
        _totalSteps = Math.Max(1, totalSteps);
        _stepsPerEpoch = Math.Max(1, stepsPerEpoch);
        BaseRate = BaseRateFor(train);
    }

    /// <summary>The rate after warm-up, before decay.</summary>
    public double BaseRate { get; }

    public static double BaseRateFor(TrainOptions train) =>
        train.ScaleLearningRate
            ? train.LearningRate * train.BatchSize * train.Accumulate / train.ReferenceBatchSize
            : train.LearningRate;

    /// <summary>The rate for optimizer step <paramref name="step"/> (0-based).</summary>
    public double At(int step)
    {
        double warmup = 1;
        if (step < _options.WarmupSteps)
        {
            double alpha = (double)step / _options.WarmupSteps;
            warmup = _options.WarmupFactor * (1 - alpha) + alpha;
        }
        double decay = _options.Type switch
        {
            "multistep" => Math.Pow(_options.Gamma, _options.Steps.Count(epoch => step >= (long)epoch * _stepsPerEpoch)),
            "cosine" => 0.5 * (1 + Math.Cos(Math.PI * Math.Min(step, _totalSteps) / _totalSteps)),
            _ => 1,
        };
        return BaseRate * warmup * decay;
    }
}
