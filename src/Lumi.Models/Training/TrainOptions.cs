using System.ComponentModel.DataAnnotations;

namespace Lumi.Models.Training;

/// <summary>
/// The <c>train</c> section of the configuration. Defaults follow torchvision's detection recipe
/// (SGD, lr 0.02 for 16 images per step, momentum 0.9, weight decay 1e-4, 26 epochs with steps at
/// 16 and 22). <c>configs/fasterrcnn/base.yml</c> mirrors this record key for key.
/// </summary>
public sealed record TrainOptions
{
    [AllowedValues("sgd", "adamw")]
    public string Optimizer { get; init; } = "sgd";

    /// <summary>Learning rate for <see cref="ReferenceBatchSize"/> images per step.</summary>
    [Range(0.0, 10.0)] public double LearningRate { get; init; } = 0.02;

    /// <summary>
    /// The batch size <see cref="LearningRate"/> is given for. With <see cref="ScaleLearningRate"/>
    /// the rate used is <c>learning_rate × batch_size × accumulate / reference_batch_size</c>
    /// (the linear scaling rule).
    /// </summary>
    [Range(1, 65536)] public int ReferenceBatchSize { get; init; } = 16;
    public bool ScaleLearningRate { get; init; } = true;

    /// <summary>SGD momentum.</summary>
    [Range(0.0, 1.0)] public double Momentum { get; init; } = 0.9;
    public bool Nesterov { get; init; }

    /// <summary>AdamW's (beta1, beta2).</summary>
    [Length(2, 2)] public double[] Betas { get; init; } = { 0.9, 0.999 };

    [Range(0.0, 1.0)] public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Apply no weight decay to normalization and bias parameters.</summary>
    public bool NoDecayOnNormAndBias { get; init; }

    /// <summary>Images per step on the device.</summary>
    [Range(1, 4096)] public int BatchSize { get; init; } = 2;

    /// <summary>Steps whose gradients are summed before each optimizer update (effective batch = batch_size × accumulate).</summary>
    [Range(1, 4096)] public int Accumulate { get; init; } = 1;

    [Range(1, 100000)] public int Epochs { get; init; } = 26;

    /// <summary>Stop after this many optimizer steps; 0 means run all epochs.</summary>
    [Range(0, int.MaxValue)] public int MaxSteps { get; init; }

    public LrScheduleOptions LrSchedule { get; init; } = new();

    /// <summary>Clip the gradient norm to this value; 0 turns clipping off.</summary>
    [Range(0.0, 1e6)] public double ClipGradNorm { get; init; }

    /// <summary>Write a checkpoint every N optimizer steps; 0 means once per epoch.</summary>
    [Range(0, int.MaxValue)] public int CheckpointEvery { get; init; }

    /// <summary>Also write a checkpoint when this many minutes have passed since the last one (a long epoch on a slow machine); 0 turns it off.</summary>
    [Range(0.0, 1e6)] public double CheckpointEveryMinutes { get; init; } = 30;

    /// <summary>Evaluate on the test split every N optimizer steps; 0 means once per epoch, -1 never.</summary>
    [Range(-1, int.MaxValue)] public int EvalEvery { get; init; }

    /// <summary>Write losses and learning rate every N steps.</summary>
    [Range(1, int.MaxValue)] public int LogEvery { get; init; } = 20;

    /// <summary>Seed for initialization, data order and augmentation.</summary>
    [Range(0, int.MaxValue)] public int Seed { get; init; } = 42;

    /// <summary>Use TF32 matrix maths on CUDA (TorchSharp has no mixed precision).</summary>
    public bool Tf32 { get; init; } = true;
}
