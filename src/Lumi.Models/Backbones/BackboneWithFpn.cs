using Lumi.Models.FasterRcnn;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Models.Backbones;

/// <summary>
/// ResNet body + FPN (torchvision's <c>BackboneWithFPN</c> from <c>resnet_fpn_backbone</c>): keys
/// <c>backbone.body.*</c> and <c>backbone.fpn.*</c>. Frozen batch norm and the first
/// <c>5 - trainable_layers</c> stages frozen, as torchvision does with pretrained weights.
/// </summary>
public sealed partial class BackboneWithFpn : nn.Module<Tensor, Tensor[]>
{
    private static readonly string[] LayersByTrainability = { "layer4", "layer3", "layer2", "layer1", "conv1" };

    private readonly ResNetBody body;
    private readonly FeaturePyramidNetwork fpn;

    public BackboneWithFpn(BackboneOptions options) : base(nameof(BackboneWithFpn))
    {
        Func<long, nn.Module<Tensor, Tensor>> norm = options.FrozenBatchNorm
            ? c => new FrozenBatchNorm2d(c, options.BatchNormEps)
            : c => nn.BatchNorm2d(c, eps: options.BatchNormEps);
        body = new ResNetBody(options.Name, norm);
        fpn = new FeaturePyramidNetwork(body.OutChannels, options.FpnChannels);
        OutChannels = options.FpnChannels;
        RegisterComponents();
        FreezeLayers(options.TrainableLayers);
    }

    public long OutChannels { get; }

    /// <summary>The ResNet under the FPN (state-dict prefix <c>backbone.body</c>).</summary>
    public ResNetBody Body => body;

    /// <summary>Turns off gradients outside the trainable stages (torchvision's _resnet_fpn_extractor rule).</summary>
    private void FreezeLayers(int trainableLayers)
    {
        var train = LayersByTrainability.Take(trainableLayers).ToList();
        if (trainableLayers == 5) train.Add("bn1");
        foreach (var (name, p) in body.named_parameters())
        {
            if (!train.Any(layer => name.StartsWith(layer, StringComparison.Ordinal)))
                p.requires_grad = false;
        }
    }

    /// <summary>Normalized images in, P2…P6 out.</summary>
    public override Tensor[] forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        var pyramid = fpn.forward(body.forward(images));
        foreach (var t in pyramid) t.MoveToOuterDisposeScope();
        return pyramid;
    }
}
