using System.Text.Json;
using Lumi.Models.Checkpoints;

namespace Lumi.Models.Tests.Checkpoints;

public sealed class TorchvisionKeysTests
{
    private static (List<string> Current, List<string> Old) FasterRcnnKeys()
    {
        var root = JsonDocument.Parse(File.ReadAllText(TorchFiles.File("fasterrcnn_keys.json"))).RootElement;
        List<string> Read(string p) => root.GetProperty(p).EnumerateArray().Select(e => e.GetString()!).ToList();
        return (Read("current"), Read("pre_0_13"));
    }

    [Fact]
    public void UpgradesThePre013NamesThatTorchvisionsLoaderAccepts()
    {
        // The old names were checked in Python: torchvision 0.14's load_state_dict(strict=True) takes them.
        var (current, old) = FasterRcnnKeys();
        Assert.Equal(current.Count, old.Count);
        // 4 inner and 4 layer blocks (weight, bias) and the RPN head's conv (weight, bias).
        Assert.Equal(18, old.Except(current).Count());
        Assert.Equal(current, old.Select(TorchvisionKeys.Upgrade));
        Assert.Equal(current, old.Select(TorchvisionKeys.UpgradeFor(new Dictionary<string, long>())));
        Assert.Equal(current, current.Select(TorchvisionKeys.Upgrade));
    }

    [Theory]
    [InlineData("backbone.fpn.inner_blocks.0.weight", "backbone.fpn.inner_blocks.0.0.weight")]
    [InlineData("backbone.fpn.inner_blocks.3.bias", "backbone.fpn.inner_blocks.3.0.bias")]
    [InlineData("backbone.fpn.layer_blocks.2.weight", "backbone.fpn.layer_blocks.2.0.weight")]
    [InlineData("rpn.head.conv.weight", "rpn.head.conv.0.0.weight")]
    [InlineData("rpn.head.conv.bias", "rpn.head.conv.0.0.bias")]
    [InlineData("backbone.fpn.inner_blocks.0.0.weight", "backbone.fpn.inner_blocks.0.0.weight")]
    [InlineData("rpn.head.conv.0.0.weight", "rpn.head.conv.0.0.weight")]
    [InlineData("rpn.head.cls_logits.weight", "rpn.head.cls_logits.weight")]
    [InlineData("backbone.body.layer1.0.conv1.weight", "backbone.body.layer1.0.conv1.weight")]
    [InlineData("backbone.fpn.inner_blocks.0.running_mean", "backbone.fpn.inner_blocks.0.running_mean")]
    public void UpgradeRules(string before, string after) => Assert.Equal(after, TorchvisionKeys.Upgrade(before));

    [Fact]
    public void UpgradeFollowsTheFilesModuleVersions()
    {
        var noMetadata = TorchvisionKeys.UpgradeFor(new Dictionary<string, long>());
        Assert.Equal("rpn.head.conv.0.0.weight", noMetadata("rpn.head.conv.weight"));
        var version1 = TorchvisionKeys.UpgradeFor(new Dictionary<string, long> { ["backbone.fpn"] = 1, ["rpn.head"] = 1 });
        Assert.Equal("backbone.fpn.layer_blocks.1.0.bias", version1("backbone.fpn.layer_blocks.1.bias"));
        // Saved by torchvision ≥ 0.13: the modules are at version 2 and nothing is renamed.
        var version2 = TorchvisionKeys.UpgradeFor(new Dictionary<string, long> { ["backbone.fpn"] = 2, ["rpn.head"] = 2 });
        Assert.Equal("backbone.fpn.layer_blocks.1.bias", version2("backbone.fpn.layer_blocks.1.bias"));
        Assert.Equal("rpn.head.conv.weight", version2("rpn.head.conv.weight"));
    }

    [Fact]
    public void ImageNetWeightsGoIntoTheBackboneWithoutTheClassifier()
    {
        var order = TorchFiles.Info("resnet18").GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToList();
        var mapped = order.Select(TorchvisionKeys.ImageNetToBackbone).ToList();
        Assert.Equal("backbone.body.conv1.weight", mapped[0]);
        Assert.Contains("backbone.body.layer1.0.bn1.running_mean", mapped);
        Assert.Contains("backbone.body.layer4.1.conv2.weight", mapped);
        Assert.Equal(new[] { "fc.weight", "fc.bias" }, order.Where((_, i) => mapped[i] is null));
        Assert.All(mapped.Where(m => m is not null), m => Assert.StartsWith("backbone.body.", m));
    }
}
