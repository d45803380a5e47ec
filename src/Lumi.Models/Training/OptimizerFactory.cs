using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumi.Models.Training;

/// <summary>
/// The optimizer of <c>train.optimizer</c> over the trainable parameters: SGD with momentum (optionally Nesterov) and
/// L2 weight decay, or AdamW with decoupled weight decay. With <c>no_decay_on_norm_and_bias</c>, one-dimensional
/// parameters (biases and normalization weights) form a second group without weight decay.
/// </summary>
public static class OptimizerFactory
{
    public static OptimizerHelper Create(nn.Module model, TrainOptions train)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        var trainable = model.named_parameters().Where(p => p.parameter.requires_grad).ToList();
        var decay = trainable.Where(p => !train.NoDecayOnNormAndBias || p.parameter.dim() > 1).Select(p => p.parameter).ToList();
        var noDecay = trainable.Where(p => train.NoDecayOnNormAndBias && p.parameter.dim() <= 1).Select(p => p.parameter).ToList();
        double lr = LearningRateSchedule.BaseRateFor(train);
        if (train.Optimizer == "adamw")
        {
            var groups = new List<AdamW.ParamGroup> { new(decay, new AdamW.Options { LearningRate = lr, weight_decay = train.WeightDecay }) };
            if (noDecay.Count > 0) groups.Add(new(noDecay, new AdamW.Options { LearningRate = lr, weight_decay = 0 }));
            return optim.AdamW(groups, lr, train.Betas[0], train.Betas[1], weight_decay: train.WeightDecay);
        }
        var sgdGroups = new List<SGD.ParamGroup> { new(decay, new SGD.Options { LearningRate = lr, momentum = train.Momentum, nesterov = train.Nesterov, weight_decay = train.WeightDecay }) };
        if (noDecay.Count > 0) sgdGroups.Add(new(noDecay, new SGD.Options { LearningRate = lr, momentum = train.Momentum, nesterov = train.Nesterov, weight_decay = 0 }));
        return optim.SGD(sgdGroups, lr, train.Momentum, nesterov: train.Nesterov, weight_decay: train.WeightDecay);
    }
}
