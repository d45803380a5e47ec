using System.Text.Json.Nodes;
using Lumi.Models.Checkpoints;
using Lumi.Models.FasterRcnn;
using static TorchSharp.torch;

namespace Lumi.Models.Tests.Checkpoints;

public sealed class CheckpointTests
{
    private static CheckpointInfo Info(string id) => new()
    {
        Id = id,
        Name = "voc-r50",
        Alias = "voc",
        Description = "test checkpoint",
        Arch = "fasterrcnn_resnet50_fpn",
        Classes = new[] { "cat", "dog" },
        Dataset = new CheckpointDataset("voc", 2),
        CreatedAt = new DateTimeOffset(2025, 1, 31, 13, 0, 5, TimeSpan.FromHours(1)),
        Model = new FasterRcnnOptions
        {
            NumClasses = 3,
            Backbone = new BackboneOptions { BatchNormEps = 0.0, Name = "resnet18" },
            Rpn = new RpnOptions { PreNmsTopN = new TrainTest<int>(1500, 700) },
        },
    };

    private static Dictionary<string, Tensor> Weights() => new()
    {
        ["backbone.body.conv1.weight"] = arange(24, dtype: float64).reshape(2, 3, 2, 2) / 7,
        ["backbone.body.bn1.running_var"] = ones(2),
        ["backbone.body.bn1.num_batches_tracked"] = tensor(5L),
        ["roi_heads.box_predictor.cls_score.weight"] = randn(3, 4).half(),
    };

    [Fact]
    public void RoundTrips()
    {
        using var dir = new TempDir();
        string id = CheckpointId.New();
        var weights = Weights();
        var written = CheckpointWriter.Write(dir["ckpt"], Info(id), weights);

        Assert.Equal(new[] { "checkpoint.json", "weights.safetensors" }, Directory.GetFiles(dir["ckpt"]).Select(Path.GetFileName).Order());
        Assert.Single(Directory.GetFileSystemEntries(dir.Path)); // no temporary folder left behind
        using var ckpt = CheckpointReader.Read(dir["ckpt"]);
        Assert.Equal(id, ckpt.Info.Id);
        Assert.Equal("voc", ckpt.Info.Alias);
        Assert.Equal(new[] { "cat", "dog" }, ckpt.Info.Classes);
        Assert.Equal(new CheckpointDataset("voc", 2), ckpt.Info.Dataset);
        Assert.Equal(new DateTimeOffset(2025, 1, 31, 12, 0, 5, TimeSpan.Zero), ckpt.Info.CreatedAt);
        Assert.Equal(0.0, ckpt.Info.Model.Backbone.BatchNormEps);
        Assert.Equal("resnet18", ckpt.Info.Model.Backbone.Name);
        Assert.Equal(new TrainTest<int>(1500, 700), ckpt.Info.Model.Rpn.PreNmsTopN);
        Assert.Equal(new[] { 32, 64, 128, 256, 512 }, ckpt.Info.Model.Rpn.AnchorSizes);
        Assert.Equal(CheckpointInfo.CurrentLumiVersion, ckpt.Info.LumiVersion);
        Assert.Equal(written.Files["weights.safetensors"], ckpt.Info.Files["weights.safetensors"]);

        Assert.Equal(weights.Keys.Order(), ckpt.StateDict.Keys.Order());
        foreach (var (k, v) in weights)
        {
            var expected = v.is_floating_point() ? v.to(float32) : v;
            Assert.Equal(expected.dtype, ckpt.StateDict[k].dtype);
            Assert.True(expected.eq(ckpt.StateDict[k]).all().item<bool>(), k);
        }
    }

    [Fact]
    public void WritesSnakeCaseJsonWithUtcTimeAndHashes()
    {
        using var dir = new TempDir();
        CheckpointWriter.Write(dir["ckpt"], Info(CheckpointId.New()), Weights());
        var json = JsonNode.Parse(File.ReadAllText(dir["ckpt/checkpoint.json"]))!;
        Assert.Equal("2025-01-31T12:00:05Z", json["created_at"]!.GetValue<string>());
        Assert.Equal(0.0, json["model"]!["backbone"]!["batch_norm_eps"]!.GetValue<double>());
        Assert.Equal(1500, json["model"]!["rpn"]!["pre_nms_top_n"]!["train"]!.GetValue<int>());
        Assert.Equal(2, json["dataset"]!["num_classes"]!.GetValue<int>());
        Assert.Equal(64, json["files"]!["weights.safetensors"]!["sha256"]!.GetValue<string>().Length);
        Assert.Equal(1, json["format"]!.GetValue<int>());
    }

    [Fact]
    public void TheKindIsWrittenAndAFileWithoutOneIsADetector()
    {
        using var dir = new TempDir();
        CheckpointWriter.Write(dir["ckpt"], Info(CheckpointId.New()), Weights());
        string path = dir["ckpt/checkpoint.json"];
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.Equal("detector", json["kind"]!.GetValue<string>());

        json.Remove("kind");
        File.WriteAllText(path, json.ToJsonString());
        Assert.Equal(CheckpointKind.Detector, CheckpointReader.ReadInfo(dir["ckpt"]).Kind);

        json["kind"] = "segmenter";
        File.WriteAllText(path, json.ToJsonString());
        var e = Assert.Throws<InvalidDataException>(() => CheckpointReader.ReadInfo(dir["ckpt"]));
        Assert.StartsWith($"{path}: invalid value at 'kind': ", e.Message);

        using var backbone = new TempDir();
        var info = CheckpointWriter.Write(backbone["ckpt"], Info(CheckpointId.New()) with { Kind = CheckpointKind.Backbone, Classes = Array.Empty<string>() }, Weights());
        Assert.Equal(CheckpointKind.Backbone, CheckpointReader.ReadInfo(backbone["ckpt"]).Kind);
        Assert.Empty(info.Classes);
        var detector = Assert.Throws<InvalidDataException>(() => CheckpointWriter.Write(backbone["other"], Info(CheckpointId.New()) with { Classes = Array.Empty<string>() }, Weights()));
        Assert.Equal($"the checkpoint to write to {backbone["other"]}: field 'classes' must list at least one class.", detector.Message);
    }

    [Fact]
    public void NeverOverwritesAFolder()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["ckpt"]);
        var e = Assert.Throws<IOException>(() => CheckpointWriter.Write(dir["ckpt"], Info(CheckpointId.New()), Weights()));
        Assert.Equal($"{dir["ckpt"]} already exists; a checkpoint is written to a new folder and never overwritten.", e.Message);
    }

    [Fact]
    public void DetectsAModifiedWeightsFile()
    {
        using var dir = new TempDir();
        var info = CheckpointWriter.Write(dir["ckpt"], Info(CheckpointId.New()), Weights());
        string weights = dir["ckpt/weights.safetensors"];
        byte[] bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 0x40;
        File.WriteAllBytes(weights, bytes);
        var e = Assert.Throws<InvalidDataException>(() => CheckpointReader.Read(dir["ckpt"]));
        Assert.StartsWith($"{weights} does not match checkpoint.json (sha256 ", e.Message);
        Assert.EndsWith($"expected {info.Files["weights.safetensors"].Sha256}, {bytes.Length} bytes): the file is corrupt or was modified.", e.Message);
    }

    [Fact]
    public void AMissingWeightsFileIsNamed()
    {
        using var dir = new TempDir();
        CheckpointWriter.Write(dir["ckpt"], Info(CheckpointId.New()), Weights());
        File.Delete(dir["ckpt/weights.safetensors"]);
        var e = Assert.Throws<InvalidDataException>(() => CheckpointReader.Read(dir["ckpt"]));
        Assert.Equal($"{dir["ckpt/weights.safetensors"]} is missing; checkpoint.json lists it.", e.Message);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("arch")]
    [InlineData("created_at")]
    [InlineData("model")]
    [InlineData("dataset.num_classes")]
    public void AMissingFieldIsNamed(string field)
    {
        using var dir = new TempDir();
        CheckpointWriter.Write(dir["ckpt"], Info(CheckpointId.New()), Weights());
        string path = dir["ckpt/checkpoint.json"];
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var parts = field.Split('.');
        (parts.Length == 1 ? json : json[parts[0]]!.AsObject()).Remove(parts[^1]);
        File.WriteAllText(path, json.ToJsonString());
        var e = Assert.Throws<InvalidDataException>(() => CheckpointReader.Read(dir["ckpt"]));
        Assert.Equal($"{path}: required field '{field}' is missing.", e.Message);
    }

    [Fact]
    public void AnInvalidIdIsNamed()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<InvalidDataException>(() => CheckpointWriter.Write(dir["ckpt"], Info("XYZ"), Weights()));
        Assert.Equal($"the checkpoint to write to {dir["ckpt"]}: field 'id' must be 12 lower-case hex digits, not 'XYZ'.", e.Message);
    }

    [Fact]
    public void IdsAreShortRandomHex()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => CheckpointId.New()).ToList();
        Assert.All(ids, id => Assert.True(CheckpointId.IsValid(id), id));
        Assert.Equal(100, ids.Distinct().Count());
    }

    [Fact]
    public void ATorchvisionFileBecomesACheckpoint()
    {
        using var dir = new TempDir();
        using var sd = TorchFileReader.Read(TorchFiles.File("resnet18.legacy.pt"));
        var backbone = sd.Tensors.Where(p => TorchvisionKeys.ImageNetToBackbone(p.Key) is not null)
            .ToDictionary(p => TorchvisionKeys.ImageNetToBackbone(p.Key)!, p => p.Value);
        CheckpointWriter.Write(dir["ckpt"], Info(CheckpointId.New()), backbone);
        using var ckpt = CheckpointReader.Read(dir["ckpt"]);
        Assert.Equal(backbone.Count, ckpt.StateDict.Count);
        Assert.True(ckpt.StateDict["backbone.body.layer4.1.bn2.running_var"].eq(sd.Tensors["layer4.1.bn2.running_var"]).all().item<bool>());
        Assert.Equal(17, ckpt.StateDict["backbone.body.bn1.num_batches_tracked"].item<long>());
    }
}
