using Lumi.Models.Checkpoints;
using static TorchSharp.torch;

namespace Lumi.Models.Tests.Checkpoints;

public sealed class TorchFileReaderTests
{
    [Theory]
    [InlineData("basic", "zip", TorchFileFormat.Zip)]
    [InlineData("basic", "legacy", TorchFileFormat.Legacy)]
    [InlineData("resnet18", "zip", TorchFileFormat.Zip)]
    [InlineData("resnet18", "legacy", TorchFileFormat.Legacy)]
    [InlineData("views", "legacy", TorchFileFormat.Legacy)] // storage views, as torch < 1.0 wrote them
    public void ReadsTheSameTensorsAsTorch(string @case, string container, TorchFileFormat format)
    {
        var info = TorchFiles.Info(@case);
        using var sd = TorchFileReader.Read(TorchFiles.File($"{@case}.{container}.pt"));
        var expected = SafeTensors.Read(TorchFiles.File($"{@case}.expected.safetensors"));
        try
        {
            Assert.Equal(format, sd.Format);
            Assert.Null(sd.ContainerKey);
            var order = info.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToList();
            TorchFiles.AssertIdentical(order, expected, sd.Tensors);

            var requiresGrad = info.GetProperty("requires_grad").EnumerateArray().Select(k => k.GetString()!).ToHashSet();
            foreach (var (name, t) in sd.Tensors)
                Assert.True(requiresGrad.Contains(name) == t.requires_grad, $"{name}: requires_grad {t.requires_grad}");

            var versions = info.GetProperty("metadata").EnumerateObject()
                .Where(p => p.Value.ValueKind == System.Text.Json.JsonValueKind.Number)
                .ToDictionary(p => p.Name, p => p.Value.GetInt64());
            Assert.Equal(versions.OrderBy(p => p.Key), sd.ModuleVersions.OrderBy(p => p.Key));
        }
        finally
        {
            foreach (var t in expected.Values) t.Dispose();
        }
    }

    [Fact]
    public void BothFormatsGiveIdenticalTensors()
    {
        using var zip = TorchFileReader.Read(TorchFiles.File("basic.zip.pt"));
        using var legacy = TorchFileReader.Read(TorchFiles.File("basic.legacy.pt"));
        TorchFiles.AssertIdentical(zip.Tensors.Keys.ToList(), zip.Tensors, legacy.Tensors);
    }

    [Fact]
    public void NonContiguousAndSharedStoragesBecomeIndependentTensors()
    {
        using var sd = TorchFileReader.Read(TorchFiles.File("basic.legacy.pt"));
        Assert.Equal(new float[] { 0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11 }, sd.Tensors["transposed"].data<float>().ToArray());
        Assert.Equal(new float[] { 1, 1.5f, 2, 2.5f, 3, 3.5f }, sd.Tensors["shared_a"].data<float>().ToArray());
        Assert.Equal(new long[] { 2, 5 }, sd.Tensors["shared_b"].shape);
        Assert.Equal(2.5f, sd.Tensors["shared_b"][0, 0].item<float>());
        sd.Tensors["shared_a"][3] = 100f; // element 5 of the storage: shared_b must not change
        Assert.Equal(2.5f, sd.Tensors["shared_b"][0, 0].item<float>());
    }

    [Theory]
    [InlineData("wrapped_model", "zip", "model")]
    [InlineData("wrapped_model", "legacy", "model")]
    [InlineData("wrapped_state_dict", "zip", "state_dict")]
    [InlineData("wrapped_state_dict", "legacy", "state_dict")]
    public void FindsTheStateDictInsideATrainingCheckpoint(string @case, string container, string key)
    {
        using var sd = TorchFileReader.Read(TorchFiles.File($"{@case}.{container}.pt"));
        var expected = SafeTensors.Read(TorchFiles.File("wrapped.expected.safetensors"));
        Assert.Equal(key, sd.ContainerKey);
        var order = TorchFiles.Info("wrapped").GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToList();
        TorchFiles.AssertIdentical(order, expected, sd.Tensors);
        foreach (var t in expected.Values) t.Dispose();
    }

    [Theory]
    [InlineData("zip")]
    [InlineData("legacy")]
    public void RefusesAPickleThatWouldRunCode(string container)
    {
        string path = TorchFiles.File($"malicious.{container}.pt");
        var e = Assert.Throws<InvalidDataException>(() => TorchFileReader.Read(path));
        Assert.Equal($"refusing to load 'os.system' from {path}: only tensors and ordered dicts are allowed (nothing in a weights file may run code).", e.Message);
    }

    [Theory]
    [InlineData("zip")]
    [InlineData("legacy")]
    public void ATruncatedFileIsAnErrorNamingIt(string container)
    {
        string path = TorchFiles.File($"truncated.{container}.pt");
        var e = Assert.Throws<InvalidDataException>(() => TorchFileReader.Read(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void ATensorReachingPastItsStorageIsRefused()
    {
        string path = TorchFiles.File("out_of_bounds.legacy.pt");
        var e = Assert.Throws<InvalidDataException>(() => TorchFileReader.Read(path));
        Assert.Equal($"{path}: tensor 'bad' (size [4], stride [1], offset 3) reaches element 8 of storage 'root', whose visible elements end before 8.", e.Message);
    }

    [Fact]
    public void AFileThatIsNotPyTorchIsNamed()
    {
        string path = Path.Combine(Path.GetTempPath(), $"lumi-not-torch-{Guid.NewGuid():N}.pt");
        File.WriteAllText(path, "hello");
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => TorchFileReader.Read(path));
            Assert.Equal($"{path} is not a PyTorch file: neither a zip archive nor a legacy pickle stream.", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
