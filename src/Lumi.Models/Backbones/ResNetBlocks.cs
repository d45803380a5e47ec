using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumi.Models.Backbones;

/// <summary>
/// ResNet-18/34's block: two 3×3 convolutions (torchvision's <c>BasicBlock</c>, expansion 1). With
/// <c>padLessAtEnd</c> a strided first convolution pads (1, 0) instead of (1, 1), as CNTK's ResNet-18 does.
/// </summary>
public sealed partial class BasicBlock : nn.Module<Tensor, Tensor>
{
    public const int Expansion = 1;

    private readonly Conv2d conv1;
    private readonly nn.Module<Tensor, Tensor> bn1;
    private readonly Conv2d conv2;
    private readonly nn.Module<Tensor, Tensor> bn2;
    private readonly Sequential? downsample;
    private readonly long trimEnd;

    public BasicBlock(long inplanes, long planes, long stride, Sequential? downsample, Func<long, nn.Module<Tensor, Tensor>> norm,
        bool padLessAtEnd = false)
        : base(nameof(BasicBlock))
    {
        trimEnd = padLessAtEnd && stride > 1 ? 1 : 0;
        conv1 = nn.Conv2d(inplanes, planes, 3, stride: stride, padding: 1, bias: false);
        bn1 = norm(planes);
        conv2 = nn.Conv2d(planes, planes, 3, padding: 1, bias: false);
        bn2 = norm(planes);
        this.downsample = downsample;
        RegisterComponents();
    }

    /// <summary>conv1 (with its end trim), conv2 and the shortcut's <c>downsample.0</c>, by state-dict name.</summary>
    internal IEnumerable<(string Name, Conv2d Conv, long TrimEnd)> NamedConvolutions()
    {
        yield return ("conv1", conv1, trimEnd);
        yield return ("conv2", conv2, 0);
        if (downsample is not null)
        {
            foreach (var (name, module) in downsample.named_children())
                if (module is Conv2d conv) yield return ("downsample." + name, conv, 0);
        }
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var identity = downsample is null ? x : ConvolutionPaths.Downsample(downsample, x);
        var y = nn.functional.relu(bn1.forward(ConvolutionPaths.Forward(conv1, x, trimEnd)));
        y = bn2.forward(conv2.forward(y));
        return nn.functional.relu(y.add_(identity)).MoveToOuterDisposeScope();
    }
}

/// <summary>ResNet-50/101's block: 1×1, 3×3 (strided), 1×1 (torchvision's <c>Bottleneck</c>, v1.5, expansion 4).</summary>
public sealed partial class Bottleneck : nn.Module<Tensor, Tensor>
{
    public const int Expansion = 4;

    private readonly Conv2d conv1;
    private readonly nn.Module<Tensor, Tensor> bn1;
    private readonly Conv2d conv2;
    private readonly nn.Module<Tensor, Tensor> bn2;
    private readonly Conv2d conv3;
    private readonly nn.Module<Tensor, Tensor> bn3;
    private readonly Sequential? downsample;

    public Bottleneck(long inplanes, long planes, long stride, Sequential? downsample, Func<long, nn.Module<Tensor, Tensor>> norm)
        : base(nameof(Bottleneck))
    {
        conv1 = nn.Conv2d(inplanes, planes, 1, bias: false);
        bn1 = norm(planes);
        conv2 = nn.Conv2d(planes, planes, 3, stride: stride, padding: 1, bias: false);
        bn2 = norm(planes);
        conv3 = nn.Conv2d(planes, planes * Expansion, 1, bias: false);
        bn3 = norm(planes * Expansion);
        this.downsample = downsample;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var identity = downsample is null ? x : ConvolutionPaths.Downsample(downsample, x);
        var y = nn.functional.relu(bn1.forward(conv1.forward(x)));
        y = nn.functional.relu(bn2.forward(ConvolutionPaths.Forward(conv2, y)));
        y = bn3.forward(conv3.forward(y));
        return nn.functional.relu(y.add_(identity)).MoveToOuterDisposeScope();
    }
}
