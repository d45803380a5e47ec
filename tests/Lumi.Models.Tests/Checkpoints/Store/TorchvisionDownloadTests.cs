using System.Security.Cryptography;
using Lumi.Data.Classes;
using Lumi.Data.Errors;
using Lumi.Models.Checkpoints;
using Lumi.Models.Checkpoints.Store;
using Lumi.Models.FasterRcnn;
using Lumi.Tests.Http;
using static TorchSharp.torch;

namespace Lumi.Models.Tests.Checkpoints.Store;

/// <summary>
/// Index entries that point to torchvision <c>.pth</c> files are checked by the hash prefix in their file name (as
/// torch.hub checks it) and converted on download: a detector in torchvision's published COCO layout, an ImageNet
/// ResNet as a backbone checkpoint. A transfer that keeps breaking off is resumed by the next attempt.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class TorchvisionDownloadTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly TestHttpServer _server = new();

    public void Dispose()
    {
        _server.Dispose();
        _dir.Dispose();
    }

    private CheckpointStore Store => new(_dir["home"]);

    private static string Prefix(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..8];

    private IndexEntry Entry(string json) =>
        Assert.Single(CheckpointIndex.Parse($"{{\"checkpoints\": [{json}]}}", _server.Url("index.json"), new Uri(_server.Url("index.json"))).Entries);

    [Fact]
    public void TorchvisionsCocoLayoutIsConvertedOnDownload()
    {
        byte[] pth = File.ReadAllBytes(Path.Combine(ReferenceData.GetDirectory("model_reference.py"), "r50_coco_f32.legacy.pth"));
        string name = $"fasterrcnn_resnet50_fpn_coco-{Prefix(pth)}.pth";
        _server.Serve(name, pth);
        var entry = Entry($$"""
            {"id": "aba9f3bced4c", "name": "COCO", "alias": "coco", "kind": "detector", "arch": "fasterrcnn_resnet50_fpn",
             "dataset": {"name": "coco", "num_classes": 90}, "url": "{{name}}", "size": {{pth.Length}},
             "torchvision": {"classes": "coco", "batch_norm_eps": 0} }
            """);
        var log = new List<string>();
        var progress = new List<DownloadProgress>();

        var stored = new CheckpointDownloader(Store).Download(entry, progress.Add, log.Add, out bool present);

        Assert.False(present);
        Assert.Equal(Path.Combine(Store.Root, "aba9f3bced4c"), stored.Folder);
        Assert.Equal(new[] { "checkpoint aba9f3bced4c: converting torchvision weights " + name }, log);
        Assert.True(progress[^1].Done);
        Assert.Equal(pth.Length, progress[^1].Received);
        var info = stored.Info;
        Assert.Equal(CheckpointKind.Detector, info.Kind);
        Assert.Equal("COCO", info.Name);
        Assert.Equal("coco", info.Alias);
        Assert.Equal(ClassList.Coco.ToList(), info.Classes);
        Assert.Equal(0.0, info.Model.Backbone.BatchNormEps);
        Assert.True(info.Model.Backbone.FrozenBatchNorm);
        using (var scope = NewDisposeScope())
        using (var checkpoint = CheckpointReader.Read(stored.Folder))
        using (var model = Lumi.Models.FasterRcnn.FasterRcnn.FromCheckpoint(checkpoint))
            Assert.Equal(90, model.Options.NumClasses);
        Assert.Empty(Directory.GetFileSystemEntries(Store.Downloads));
    }

    [Fact]
    public void AnImageNetResNetBecomesABackboneCheckpointThatPredictionRefuses()
    {
        byte[] pth = File.ReadAllBytes(TorchFiles.File("resnet18.legacy.pt"));
        string good = $"resnet18-{Prefix(pth)}.pth";
        _server.Serve(good, pth);
        _server.Serve("resnet18-deadbeef.pth", pth);
        string Json(string url) => $$"""
            {"id": "da13351e88d4", "name": "ResNet-18", "alias": "r18", "kind": "backbone", "arch": "resnet18",
             "dataset": {"name": "imagenet", "num_classes": 1000}, "url": "{{url}}", "torchvision": {} }
            """;

        var wrong = Assert.Throws<InputDataException>(() => new CheckpointDownloader(Store).Download(Entry(Json("resnet18-deadbeef.pth")), null, null, out _));
        Assert.Equal(
            $"checkpoint da13351e88d4: the file from {_server.Url("resnet18-deadbeef.pth")} has sha256 {Convert.ToHexStringLower(SHA256.HashData(pth))}, " +
            "the index says a sha256 beginning deadbeef (from the file name, as torchvision checks it): refused, nothing was installed and the download was deleted",
            wrong.Message);
        Assert.Empty(Store.List());

        var stored = new CheckpointDownloader(Store).Download(Entry(Json(good)), null, null, out _);

        Assert.Equal(CheckpointKind.Backbone, stored.Info.Kind);
        Assert.Equal("resnet18", stored.Info.Arch);
        Assert.Empty(stored.Info.Classes);
        Assert.Equal(new CheckpointDataset("imagenet", 1000), stored.Info.Dataset);
        Assert.Equal(1e-5, stored.Info.Model.Backbone.BatchNormEps);
        using var scope = NewDisposeScope();
        // Every tensor of the file, fc included, under torchvision's names.
        var expected = SafeTensors.Read(TorchFiles.File("resnet18.expected.safetensors"));
        var written = SafeTensors.Read(Path.Combine(stored.Folder, "weights.safetensors"));
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), written.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, value) in expected)
            Assert.True(value.to(written[key].dtype).equal(written[key]).all().item<bool>(), $"{key} differs");
        // Training loads it into a detector's backbone; prediction refuses it.
        using var model = new Lumi.Models.FasterRcnn.FasterRcnn(stored.Info.Model with { NumClasses = 3 });
        model.LoadBackboneWeights(Path.Combine(stored.Folder, "weights.safetensors"));
        using var checkpoint = CheckpointReader.Read(stored.Folder);
        var refused = Assert.Throws<InputDataException>(() => Lumi.Models.FasterRcnn.FasterRcnn.FromCheckpoint(checkpoint));
        Assert.StartsWith("checkpoint da13351e88d4 is a backbone (resnet18, ResNet-18): classification weights to train a detector from, not a detector;", refused.Message);
    }

    [Fact]
    public void ATransferThatKeepsBreakingOffIsKeptAndResumedByTheNextAttempt()
    {
        using (var scope = NewDisposeScope())
        {
            CheckpointWriter.Write(_dir["ckpt/0123456789ab"], new CheckpointInfo
            {
                Id = "0123456789ab", Name = "small", Arch = "fasterrcnn_resnet18_fpn", Classes = new[] { "a" },
                Dataset = new CheckpointDataset("test", 1), CreatedAt = DateTimeOffset.UnixEpoch, Model = new FasterRcnnOptions { NumClasses = 1 },
            }, new Dictionary<string, Tensor> { ["w"] = rand(50_000, generator: new TorchSharp.torch.Generator(3)) });
        }
        SafeTarGz.Create(_dir["ckpt/0123456789ab"], _dir["small.tar.gz"]);
        byte[] archive = File.ReadAllBytes(_dir["small.tar.gz"]);
        _server.Serve("small.tar.gz", archive, dropAfter: 70_000, dropTimes: 1);
        var entry = Entry($$"""
            {"id": "0123456789ab", "name": "small", "kind": "detector", "arch": "fasterrcnn_resnet18_fpn",
             "dataset": {"name": "test", "num_classes": 1}, "url": "small.tar.gz", "sha256": "{{Convert.ToHexStringLower(SHA256.HashData(archive))}}"}
            """);
        var once = new CheckpointDownloader(Store) { Retries = 0 };

        var broken = Assert.Throws<UnavailableException>(() => once.Download(entry, null, null, out _));
        string partial = once.PartialPath(entry);
        Assert.StartsWith($"checkpoint 0123456789ab: the download from {_server.Url("small.tar.gz")} broke off (", broken.Message);
        Assert.EndsWith($") after 1 attempts; 70000 bytes kept in {partial}: run the same command again to resume", broken.Message);
        Assert.Equal(70_000, new FileInfo(partial).Length);
        Assert.Empty(Store.List());

        var log = new List<string>();
        var stored = once.Download(entry, null, log.Add, out _);

        Assert.Equal("0123456789ab", stored.Info.Id);
        Assert.Equal(new[] { "checkpoint 0123456789ab: resuming small.tar.gz at byte 70000" }, log);
        Assert.Equal(new (string, string?)[] { ("/small.tar.gz", null), ("/small.tar.gz", "bytes=70000-") }, _server.Requests.ToArray());
        Assert.False(File.Exists(partial));
    }
}
