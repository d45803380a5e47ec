using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumi.Models.RoiHeads;

/// <summary>torchvision's <c>FastRCNNPredictor</c>: class logits (<c>cls_score</c>) and per-class box deltas (<c>bbox_pred</c>).</summary>
public sealed partial class FastRcnnPredictor : nn.Module<Tensor, (Tensor ClassLogits, Tensor BoxRegression)>
{
    private readonly Linear cls_score;
    private readonly Linear bbox_pred;

    /// <param name="numClasses">Including background.</param>
    public FastRcnnPredictor(long inChannels, long numClasses) : base(nameof(FastRcnnPredictor))
    {
        cls_score = nn.Linear(inChannels, numClasses);
        bbox_pred = nn.Linear(inChannels, numClasses * 4);
        RegisterComponents();
    }

    public override (Tensor ClassLogits, Tensor BoxRegression) forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var flat = x.flatten(1);
        var logits = cls_score.forward(flat).MoveToOuterDisposeScope();
        var deltas = bbox_pred.forward(flat).MoveToOuterDisposeScope();
        return (logits, deltas);
    }
}
