using System.Text.Json;
using Lumi.Models.FasterRcnn;

namespace Lumi.Models.Tests.FasterRcnn;

/// <summary>
/// For every backbone depth, with frozen and with trainable batch norm: the same state-dict keys and shapes as
/// torchvision's FasterRCNN, and the same parameters trainable (tests/reference/model_reference.py → keys.json).
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class StateDictLayoutTests
{
    [Theory]
    [InlineData("resnet18", true)]
    [InlineData("resnet18", false)]
    [InlineData("resnet34", true)]
    [InlineData("resnet34", false)]
    [InlineData("resnet50", true)]
    [InlineData("resnet50", false)]
    [InlineData("resnet101", true)]
    [InlineData("resnet101", false)]
    public void KeysShapesAndTrainableParametersAreTorchvisions(string backbone, bool frozen)
    {
        string path = Path.Combine(ReferenceData.GetDirectory("model_reference.py"), "keys.json");
        var expected = JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty($"{backbone}_{(frozen ? "frozen" : "bn")}");
        var model = new Lumi.Models.FasterRcnn.FasterRcnn(new FasterRcnnOptions
        {
            NumClasses = 90,
            Backbone = new BackboneOptions { Name = backbone, FrozenBatchNorm = frozen, TrainableLayers = frozen ? 3 : 5 },
        });

        var expectedShapes = expected.GetProperty("state").EnumerateObject()
            .ToDictionary(p => p.Name, p => string.Join(",", p.Value.EnumerateArray().Select(v => v.GetInt64())));
        var actualShapes = model.state_dict().ToDictionary(kv => kv.Key, kv => string.Join(",", kv.Value.shape));
        Assert.Equal(expectedShapes.Keys.Order(StringComparer.Ordinal), actualShapes.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, shape) in expectedShapes)
            Assert.True(shape == actualShapes[key], $"{key}: [{actualShapes[key]}], torchvision [{shape}]");

        var expectedTrainable = expected.GetProperty("trainable").EnumerateArray().Select(v => v.GetString()!).Order(StringComparer.Ordinal);
        var actualTrainable = model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).Order(StringComparer.Ordinal);
        Assert.Equal(expectedTrainable, actualTrainable);
    }
}
