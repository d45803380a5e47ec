using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumi.Models.Rpn;

/// <summary>
/// torchvision's <c>RPNHead</c>: a shared 3×3 conv + ReLU (<c>conv.0.0</c>), then per-anchor objectness
/// logits (<c>cls_logits</c>) and box deltas (<c>bbox_pred</c>) at every level.
/// </summary>
public sealed partial class RpnHead : nn.Module<Tensor[], (Tensor[] Objectness, Tensor[] Deltas)>
{
    private readonly Sequential conv;
    private readonly Conv2d cls_logits;
    private readonly Conv2d bbox_pred;

    public RpnHead(long inChannels, long numAnchors) : base(nameof(RpnHead))
    {
        conv = nn.Sequential(("0", nn.Sequential(
            ("0", nn.Conv2d(inChannels, inChannels, 3, padding: 1)),
            ("1", nn.ReLU()))));
        cls_logits = nn.Conv2d(inChannels, numAnchors, 1);
        bbox_pred = nn.Conv2d(inChannels, numAnchors * 4, 1);
        RegisterComponents();
        using var noGrad = torch.no_grad();
        foreach (var (_, module) in named_modules())
        {
            if (module is Conv2d c)
            {
                nn.init.normal_(c.weight, std: 0.01);
                nn.init.constant_(c.bias!, 0);
            }
        }
    }

    public override (Tensor[] Objectness, Tensor[] Deltas) forward(Tensor[] features)
    {
        var objectness = new Tensor[features.Length];
        var deltas = new Tensor[features.Length];
        for (int i = 0; i < features.Length; i++)
        {
            using var scope = NewDisposeScope();
            var t = conv.forward(features[i]);
            objectness[i] = cls_logits.forward(t).MoveToOuterDisposeScope();
            deltas[i] = bbox_pred.forward(t).MoveToOuterDisposeScope();
        }
        return (objectness, deltas);
    }
}
