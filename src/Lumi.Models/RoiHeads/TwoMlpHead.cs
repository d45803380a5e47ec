using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumi.Models.RoiHeads;

/// <summary>torchvision's <c>TwoMLPHead</c>: flatten, <c>fc6</c> + ReLU, <c>fc7</c> + ReLU.</summary>
public sealed partial class TwoMlpHead : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc6;
    private readonly Linear fc7;

    public TwoMlpHead(long inChannels, long representationSize) : base(nameof(TwoMlpHead))
    {
        fc6 = nn.Linear(inChannels, representationSize);
        fc7 = nn.Linear(representationSize, representationSize);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = nn.functional.relu(fc6.forward(x.flatten(1)));
        return nn.functional.relu(fc7.forward(y)).MoveToOuterDisposeScope();
    }
}
