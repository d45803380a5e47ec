using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumi.Models.Backbones;

/// <summary>
/// A torchvision ResNet without its classifier (avgpool, fc): conv1, bn1, layer1…layer4, returning
/// C2…C5 — torchvision's <c>IntermediateLayerGetter</c> over a ResNet, with the same parameter names.
/// <c>resnet18_cntk</c> is the CNTK ResNet-18 of ML.NET's DnnImageFeaturizer (ImageNet weights in
/// <see cref="CntkResNet18"/>): basic blocks 2, 2, 2, 3, and every strided window with spatial extent (the 7×7 stem, the
/// max pool, the first 3×3 convolution of layer2…layer4) pads one pixel less after (bottom, right) than before.
/// Its 1×1 shortcuts pad nothing, so it runs only where each stage's input side is even
/// (<see cref="CntkResNet18.FitsSide"/>): the detector pads batches to multiples of 32.
/// </summary>
public sealed partial class ResNetBody : nn.Module<Tensor, Tensor[]>
{
    /// <summary>A ResNet's shape; <paramref name="PadLessAtEnd"/>: strided k×k windows (k &gt; 1) pad (p, p - 1).</summary>
    private sealed record Architecture(bool Bottleneck, int[] Blocks, bool PadLessAtEnd = false);

    private static readonly Dictionary<string, Architecture> Architectures = new()
    {
        ["resnet18"] = new(false, new[] { 2, 2, 2, 2 }),
        ["resnet34"] = new(false, new[] { 3, 4, 6, 3 }),
        ["resnet50"] = new(true, new[] { 3, 4, 6, 3 }),
        ["resnet101"] = new(true, new[] { 3, 4, 23, 3 }),
        [CntkResNet18.Name] = new(false, new[] { 2, 2, 2, 3 }, PadLessAtEnd: true),
    };

    public static IReadOnlyCollection<string> Names => Architectures.Keys;

    private readonly Conv2d conv1;
    private readonly nn.Module<Tensor, Tensor> bn1;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly long trimEnd;

    public ResNetBody(string name, Func<long, nn.Module<Tensor, Tensor>> norm) : base(nameof(ResNetBody))
    {
        if (!Architectures.TryGetValue(name, out var arch))
            throw new ArgumentException($"Unknown backbone '{name}'. Known: {string.Join(", ", Architectures.Keys)}.", nameof(name));
        int expansion = arch.Bottleneck ? Bottleneck.Expansion : BasicBlock.Expansion;
        long inplanes = 64;
        trimEnd = arch.PadLessAtEnd ? 1 : 0;
        conv1 = nn.Conv2d(3, 64, 7, stride: 2, padding: 3, bias: false);
        bn1 = norm(64);
        layer1 = MakeLayer(arch, ref inplanes, 64, arch.Blocks[0], 1, norm);
        layer2 = MakeLayer(arch, ref inplanes, 128, arch.Blocks[1], 2, norm);
        layer3 = MakeLayer(arch, ref inplanes, 256, arch.Blocks[2], 2, norm);
        layer4 = MakeLayer(arch, ref inplanes, 512, arch.Blocks[3], 2, norm);
        OutChannels = new long[] { 64 * expansion, 128 * expansion, 256 * expansion, 512 * expansion };
        RegisterComponents();
        InitializeWeights();
    }

    /// <summary>Channels of C2…C5.</summary>
    public long[] OutChannels { get; }

    /// <summary>How much less strided k×k windows pad after than before: 1 for <c>resnet18_cntk</c>, else 0.</summary>
    internal long TrimEnd => trimEnd;

    /// <summary>
    /// Every convolution with its state-dict name and end trim, in forward order: the k×k ones (<c>conv1</c>,
    /// <c>layer1.0.conv1</c>, …) and the 1×1 shortcuts (<c>layer2.0.downsample.0</c>, …). Basic-block bodies only.
    /// </summary>
    internal (List<(string Name, Conv2d Conv, long TrimEnd)> Square, List<(string Name, Conv2d Conv, long TrimEnd)> Pointwise) NamedConvolutions()
    {
        var square = new List<(string, Conv2d, long)> { ("conv1", conv1, trimEnd) };
        var pointwise = new List<(string, Conv2d, long)>();
        foreach (var (layerName, layer) in new[] { ("layer1", layer1), ("layer2", layer2), ("layer3", layer3), ("layer4", layer4) })
        {
            foreach (var (blockName, block) in layer.named_children())
            {
                if (block is not BasicBlock basic)
                    throw new NotSupportedException($"{layerName}.{blockName}: only basic-block ResNets list their convolutions");
                foreach (var (convName, conv, trim) in basic.NamedConvolutions())
                    (conv.kernel_size[0] > 1 ? square : pointwise).Add(($"{layerName}.{blockName}.{convName}", conv, trim));
            }
        }
        return (square, pointwise);
    }

    private static Sequential MakeLayer(Architecture arch, ref long inplanes, long planes, int blocks, long stride,
        Func<long, nn.Module<Tensor, Tensor>> norm)
    {
        bool bottleneck = arch.Bottleneck;
        int expansion = bottleneck ? Bottleneck.Expansion : BasicBlock.Expansion;
        Sequential? downsample = null;
        if (stride != 1 || inplanes != planes * expansion)
        {
            downsample = nn.Sequential(
                ("0", nn.Conv2d(inplanes, planes * expansion, 1, stride: stride, bias: false)),
                ("1", norm(planes * expansion)));
        }
        var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int i = 0; i < blocks; i++)
        {
            nn.Module<Tensor, Tensor> block = bottleneck
                ? new Bottleneck(inplanes, planes, i == 0 ? stride : 1, i == 0 ? downsample : null, norm)
                : new BasicBlock(inplanes, planes, i == 0 ? stride : 1, i == 0 ? downsample : null, norm, arch.PadLessAtEnd);
            modules.Add((i.ToString(System.Globalization.CultureInfo.InvariantCulture), block));
            inplanes = planes * expansion;
        }
        return nn.Sequential(modules.ToArray());
    }

    /// <summary>torchvision's ResNet initialization: Kaiming-normal (fan_out, ReLU) convolutions, unit/zero norms.</summary>
    private void InitializeWeights()
    {
        using var noGrad = torch.no_grad();
        foreach (var (_, module) in named_modules())
        {
            if (module is Conv2d conv)
                nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
        }
    }

    public override Tensor[] forward(Tensor x)
    {
        if (trimEnd != 0 && !CntkResNet18.FitsSide(x.shape[2]) || trimEnd != 0 && !CntkResNet18.FitsSide(x.shape[3]))
        {
            throw new ArgumentException(
                $"{CntkResNet18.Name} takes sides n whose n / 4 (rounded down) is a multiple of 8, e.g. multiples of 32, not {x.shape[2]}×{x.shape[3]}: " +
                "elsewhere its strided convolutions and their shortcuts disagree in size, as in the original network");
        }
        using var scope = NewDisposeScope();
        var y = ConvolutionPaths.TrimEnd(conv1.forward(x), x, 7, 2, 3, trimEnd);
        y = nn.functional.relu(bn1.forward(y));
        y = ConvolutionPaths.TrimEnd(nn.functional.max_pool2d(y, 3, stride: 2, padding: 1), y, 3, 2, 1, trimEnd);
        var c2 = layer1.forward(y);
        var c3 = layer2.forward(c2);
        var c4 = layer3.forward(c3);
        var c5 = layer4.forward(c4);
        var outputs = new[] { c2, c3, c4, c5 };
        foreach (var t in outputs) t.MoveToOuterDisposeScope();
        return outputs;
    }
}
