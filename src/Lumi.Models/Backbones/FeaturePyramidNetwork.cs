using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumi.Models.Backbones;

/// <summary>
/// torchvision's <c>FeaturePyramidNetwork</c> with the <c>LastLevelMaxPool</c> extra block: 1×1 lateral
/// convolutions (<c>inner_blocks.i.0</c>), nearest top-down upsampling, 3×3 output convolutions
/// (<c>layer_blocks.i.0</c>), and P6 as a stride-2 subsample of P5.
/// </summary>
public sealed partial class FeaturePyramidNetwork : nn.Module<Tensor[], Tensor[]>
{
    private readonly ModuleList<Sequential> inner_blocks;
    private readonly ModuleList<Sequential> layer_blocks;

    public FeaturePyramidNetwork(long[] inChannels, long outChannels) : base(nameof(FeaturePyramidNetwork))
    {
        inner_blocks = new ModuleList<Sequential>();
        layer_blocks = new ModuleList<Sequential>();
        foreach (long c in inChannels)
        {
            inner_blocks.Add(nn.Sequential(("0", nn.Conv2d(c, outChannels, 1))));
            layer_blocks.Add(nn.Sequential(("0", nn.Conv2d(outChannels, outChannels, 3, padding: 1))));
        }
        RegisterComponents();
        using var noGrad = torch.no_grad();
        foreach (var (_, module) in named_modules())
        {
            if (module is Conv2d conv)
            {
                nn.init.kaiming_uniform_(conv.weight, a: 1);
                nn.init.constant_(conv.bias!, 0);
            }
        }
    }

    /// <summary>C2…C5 in, P2…P6 out (torchvision's keys "0"…"3", "pool").</summary>
    public override Tensor[] forward(Tensor[] features)
    {
        using var scope = NewDisposeScope();
        int n = features.Length;
        var results = new Tensor[n + 1];
        var lastInner = inner_blocks[n - 1].forward(features[n - 1]);
        results[n - 1] = layer_blocks[n - 1].forward(lastInner);
        for (int i = n - 2; i >= 0; i--)
        {
            var lateral = inner_blocks[i].forward(features[i]);
            var topDown = nn.functional.interpolate(lastInner, size: new[] { lateral.shape[2], lateral.shape[3] },
                mode: InterpolationMode.Nearest);
            lastInner = lateral + topDown;
            results[i] = layer_blocks[i].forward(lastInner);
        }
        results[n] = nn.functional.max_pool2d(results[n - 1], 1, stride: 2, padding: 0);
        foreach (var t in results) t.MoveToOuterDisposeScope();
        return results;
    }
}
