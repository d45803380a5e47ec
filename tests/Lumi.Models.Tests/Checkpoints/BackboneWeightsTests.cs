using Lumi.Data.Errors;
using Lumi.Models.Checkpoints;
using Lumi.Models.FasterRcnn;
using static TorchSharp.torch;

namespace Lumi.Models.Tests.Checkpoints;

/// <summary>ImageNet classification weights (torchvision's resnet*.pth) go into the detector's backbone body alone.</summary>
[Collection(TorchCollection.Name)]
public sealed class BackboneWeightsTests
{
    private static Lumi.Models.FasterRcnn.FasterRcnn Model(string backbone, bool frozen) => new(new FasterRcnnOptions
    {
        NumClasses = 3,
        Backbone = new BackboneOptions { Name = backbone, FrozenBatchNorm = frozen, TrainableLayers = frozen ? 3 : 5 },
    });

    [Theory]
    [InlineData("legacy", true)]
    [InlineData("zip", false)]
    public void ResNet18ImageNetWeightsFillTheBodyExactly(string format, bool frozen)
    {
        using var scope = NewDisposeScope();
        var model = Model("resnet18", frozen);
        var fpnBefore = model.state_dict()["backbone.fpn.inner_blocks.0.0.weight"].clone();
        var result = model.LoadBackboneWeights(TorchFiles.File($"resnet18.{format}.pt"));

        var expected = SafeTensors.Read(TorchFiles.File("resnet18.expected.safetensors"));
        var state = model.state_dict();
        foreach (var (key, value) in expected)
        {
            if (key.StartsWith("fc.", StringComparison.Ordinal)) continue;
            string name = "backbone.body." + key;
            if (key.EndsWith("num_batches_tracked", StringComparison.Ordinal) && frozen)
            {
                Assert.False(state.ContainsKey(name));
                continue;
            }
            Assert.True(value.to(state[name].dtype).allclose(state[name], 0, 0), $"{name} differs");
        }
        Assert.Contains("fc.weight", result.DroppedKeys);
        Assert.True(fpnBefore.allclose(state["backbone.fpn.inner_blocks.0.0.weight"], 0, 0), "the FPN must keep its initialization");
        // Frozen stages stay frozen after loading (requires_grad kept as the model had it).
        var conv1 = model.named_parameters().Single(p => p.name == "backbone.body.conv1.weight").parameter;
        Assert.Equal(!frozen, conv1.requires_grad);
    }

    [Fact]
    public void WeightsOfAnotherDepthAreRejectedNamingTheKeys()
    {
        var model = Model("resnet50", frozen: true);
        string path = TorchFiles.File("resnet18.zip.pt");
        var e = Assert.ThrowsAny<Exception>(() => model.LoadBackboneWeights(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("backbone.body.", e.Message);
    }
}
