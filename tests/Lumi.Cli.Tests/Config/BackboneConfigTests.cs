using Lumi.Cli.Config;
using Lumi.Cli.Tests.Commands;
using Lumi.Models.Backbones;

namespace Lumi.Cli.Tests.Config;

/// <summary>
/// configs/backbones/resnet18_cntk.yml on top of base.yml gives a model whose bundled ImageNet weights load from
/// <c>weights/resnet18_cntk.onnx</c> next to the CLI's assemblies, as an installed lumi finds them.
/// </summary>
[Collection(LumiHomeCollection.Name)]
public sealed class BackboneConfigTests
{
    [Fact]
    public void Resnet18CntkLayerLoadsTheBundledImageNetWeights()
    {
        string layer = Path.Combine(RepoPaths.Root, "configs", "backbones", "resnet18_cntk.yml");
        LoadedConfig config = ConfigLoader.Load([layer], ["model.num_classes=3"]);
        var backbone = config.Options.Model.Backbone;
        Assert.Equal((CntkResNet18.Name, "imagenet"), (backbone.Name, backbone.Pretrained));

        string expected = Path.Combine(AppContext.BaseDirectory, "weights", "resnet18_cntk.onnx");
        Assert.Equal(expected, CntkResNet18.BundledPath());
        TorchSharp.torch.manual_seed(1);
        var model = new Lumi.Models.FasterRcnn.FasterRcnn(config.Options.Model);
        Assert.Equal($"resnet18_cntk ImageNet weights from {expected}", model.LoadPretrainedBackbone());
    }
}
