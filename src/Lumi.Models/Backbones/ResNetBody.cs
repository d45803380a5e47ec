using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumi.Models.Backbones;

/// <summary>
/// A torchvision ResNet without its classifier (avgpool, fc): conv1, bn1, layer1…layer4, returning
/// C2…C5 — torchvision's <c>IntermediateLayerGetter</c> over a ResNet, with the same parameter names.
/// </summary>
public sealed partial class ResNetBody : nn.Module<Tensor, Tensor[]>
{
    private static readonly Dictionary<string, (bool Bottleneck, int[] Blocks)> Architectures = new()
    {
        ["resnet18"] = (false, new[] { 2, 2, 2, 2 }),
        ["resnet34"] = (false, new[] { 3, 4, 6, 3 }),
        ["resnet50"] = (true, new[] { 3, 4, 6, 3 }),
        ["resnet101"] = (true, new[] { 3, 4, 23, 3 }),
    };

    public static IReadOnlyCollection<string> Names => Architectures.Keys;

    private readonly Conv2d conv1;
    private readonly nn.Module<Tensor, Tensor> bn1;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;

    public ResNetBody(string name, Func<long, nn.Module<Tensor, Tensor>> norm) : base(nameof(ResNetBody))
    {
        if (!Architectures.TryGetValue(name, out var arch))
            throw new ArgumentException($"Unknown backbone '{name}'. Known: {string.Join(", ", Architectures.Keys)}.", nameof(name));
        int expansion = arch.Bottleneck ? Bottleneck.Expansion : BasicBlock.Expansion;
        long inplanes = 64;
        conv1 = nn.Conv2d(3, 64, 7, stride: 2, padding: 3, bias: false);
        bn1 = norm(64);
        layer1 = MakeLayer(arch.Bottleneck, ref inplanes, 64, arch.Blocks[0], 1, norm);
        layer2 = MakeLayer(arch.Bottleneck, ref inplanes, 128, arch.Blocks[1], 2, norm);
        layer3 = MakeLayer(arch.Bottleneck, ref inplanes, 256, arch.Blocks[2], 2, norm);
        layer4 = MakeLayer(arch.Bottleneck, ref inplanes, 512, arch.Blocks[3], 2, norm);
        OutChannels = new long[] { 64 * expansion, 128 * expansion, 256 * expansion, 512 * expansion };
        RegisterComponents();
        InitializeWeights();
    }

    /// <summary>Channels of C2…C5.</summary>
    public long[] OutChannels { get; }

    private static Sequential MakeLayer(bool bottleneck, ref long inplanes, long planes, int blocks, long stride,
        Func<long, nn.Module<Tensor, Tensor>> norm)
    {
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
                : new BasicBlock(inplanes, planes, i == 0 ? stride : 1, i == 0 ? downsample : null, norm);
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
        using var scope = NewDisposeScope();
        var y = nn.functional.relu(bn1.forward(conv1.forward(x)));
        y = nn.functional.max_pool2d(y, 3, stride: 2, padding: 1);
        var c2 = layer1.forward(y);
        var c3 = layer2.forward(c2);
        var c4 = layer3.forward(c3);
        var c5 = layer4.forward(c4);
        var outputs = new[] { c2, c3, c4, c5 };
        foreach (var t in outputs) t.MoveToOuterDisposeScope();
        return outputs;
    }
}
