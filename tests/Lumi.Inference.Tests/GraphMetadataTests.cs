using Lumi.Data.Errors;

namespace Lumi.Inference.Tests;

public sealed class GraphMetadataTests
{
    private static Dictionary<string, string> Valid() => new()
    {
        ["lumi.format"] = "1",
        ["lumi.classes"] = "[\"cat\",\"dog\"]",
        ["lumi.min_size"] = "160",
        ["lumi.max_size"] = "320",
        ["lumi.size_divisible"] = "32",
    };

    [Fact]
    public void ReadsClassesAndResizeSettings()
    {
        var m = GraphMetadata.Parse(Valid(), "m.onnx");
        Assert.Equal(new[] { "cat", "dog" }, m.Classes);
        Assert.Equal((160, 320, 32), (m.MinSize, m.MaxSize, m.SizeDivisible));
        Assert.Equal(new Lumi.Data.Imaging.ResizeRule(160, 320), m.Resize);
        Assert.Equal("dog", m.ClassName(2, "m.onnx"));
    }

    [Theory]
    [InlineData("lumi.format")]
    [InlineData("lumi.classes")]
    [InlineData("lumi.min_size")]
    [InlineData("lumi.max_size")]
    [InlineData("lumi.size_divisible")]
    public void MissingKeyIsNamedWithTheFile(string key)
    {
        var properties = Valid();
        properties.Remove(key);
        var e = Assert.Throws<InputDataException>(() => GraphMetadata.Parse(properties, "m.onnx"));
        Assert.Equal($"m.onnx: not a Lumi export: metadata property '{key}' is missing; export a checkpoint with 'lumi export'", e.Message);
    }

    [Theory]
    [InlineData("lumi.classes", "cat,dog", "expected a JSON array of non-empty class names")]
    [InlineData("lumi.classes", "[]", "expected a JSON array of non-empty class names")]
    [InlineData("lumi.classes", "[\"cat\",\"\"]", "expected a JSON array of non-empty class names")]
    [InlineData("lumi.min_size", "0", "expected a positive integer")]
    [InlineData("lumi.max_size", "1.5", "expected a positive integer")]
    [InlineData("lumi.format", "2", "this version of Lumi reads format 1; export the model again with this version")]
    public void InvalidValueStatesTheRule(string key, string value, string rule)
    {
        var properties = Valid();
        properties[key] = value;
        var e = Assert.Throws<InputDataException>(() => GraphMetadata.Parse(properties, "m.onnx"));
        Assert.Equal($"m.onnx: metadata property '{key}' is invalid ('{value}'): {rule}", e.Message);
    }

    [Fact]
    public void LabelOutsideTheClassesIsAnError()
    {
        var m = GraphMetadata.Parse(Valid(), "m.onnx");
        var e = Assert.Throws<InputDataException>(() => m.ClassName(3, "m.onnx"));
        Assert.Equal("m.onnx: the graph emitted label 3, outside the 2 classes of lumi.classes", e.Message);
    }
}
