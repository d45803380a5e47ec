using System.Text.Json.Nodes;
using Lumi.Data.Classes;
using Lumi.Data.Errors;
using Lumi.Models.Checkpoints;
using Lumi.Models.Checkpoints.Store;

namespace Lumi.Models.Tests.Checkpoints.Store;

/// <summary>The index format: the shipped index, every entry rule with its exact message, torchvision's hash prefix.</summary>
public sealed class CheckpointIndexTests
{
    private const string Source = "https://example.org/lumi/index.json";

    private static readonly string Valid = """
        {"id": "0123456789ab", "name": "VOC2012", "alias": "voc2012", "kind": "detector", "arch": "fasterrcnn_resnet50_fpn",
         "dataset": {"name": "voc2012", "num_classes": 2}, "classes": ["cat", "dog"], "url": "voc2012.tar.gz",
         "sha256": "0000000000000000000000000000000000000000000000000000000000000000", "size": 1234, "description": "ours"}
        """;

    private static CheckpointIndex Parse(params string[] entries) =>
        CheckpointIndex.Parse($"{{\"checkpoints\": [{string.Join(",", entries)}]}}", Source, new Uri(Source));

    private static string With(string field, JsonNode? value)
    {
        var node = JsonNode.Parse(Valid)!.AsObject();
        if (value is null) node.Remove(field);
        else node[field] = value;
        return node.ToJsonString();
    }

    [Fact]
    public void TheShippedIndexListsTorchvisionsCocoDetectorAndImageNetResNet50()
    {
        string file = Path.Combine(PythonFixture.RepoRoot, "checkpoints", "index.json");
        Assert.Equal(File.ReadAllText(file), RemoteIndex.BuiltInText());
        var index = RemoteIndex.BuiltIn();
        Assert.Equal(RemoteIndex.BuiltInSource, index.Source);
        Assert.Equal(2, index.Entries.Count);

        var coco = index.Find("coco")!;
        Assert.Equal(CheckpointKind.Detector, coco.Kind);
        Assert.Equal("fasterrcnn_resnet50_fpn", coco.Arch);
        Assert.Equal(new CheckpointDataset("coco", 90), coco.Dataset);
        Assert.Equal(new Uri("https://download.pytorch.org/models/fasterrcnn_resnet50_fpn_coco-258fb6c6.pth"), coco.Url);
        Assert.Null(coco.Sha256);
        Assert.Equal("258fb6c6", coco.HashPrefix);
        Assert.Equal(167502836, coco.Size);
        Assert.Same(ClassList.Coco, coco.Torchvision!.Classes);
        Assert.Equal(0.0, coco.Torchvision.BatchNormEps);
        Assert.Equal("download.pytorch.org", coco.SourceLabel);

        var resnet = index.Find("resnet50-imagenet")!;
        Assert.Equal(CheckpointKind.Backbone, resnet.Kind);
        Assert.Equal("resnet50", resnet.Arch);
        Assert.Equal(new CheckpointDataset("imagenet", 1000), resnet.Dataset);
        Assert.Equal("0676ba61", resnet.HashPrefix);
        Assert.Equal(102530333, resnet.Size);
        Assert.Null(resnet.Torchvision!.Classes);
        Assert.Equal(1e-5, resnet.Torchvision.BatchNormEps);
        Assert.Same(resnet, index.Find(resnet.Id));
    }

    [Fact]
    public void AValidEntryIsReadWithItsUrlResolvedAgainstTheIndex()
    {
        var entry = Assert.Single(Parse(Valid).Entries);
        Assert.Equal("0123456789ab", entry.Id);
        Assert.Equal("voc2012", entry.Alias);
        Assert.Equal(new Uri("https://example.org/lumi/voc2012.tar.gz"), entry.Url);
        Assert.Equal("voc2012.tar.gz", entry.FileName);
        Assert.Equal(new[] { "cat", "dog" }, entry.Classes);
        Assert.Equal(1234, entry.Size);
        Assert.Null(entry.Torchvision);
        Assert.Null(entry.HashPrefix);
        Assert.Equal("example.org", entry.SourceLabel);
    }

    public static readonly TheoryData<string, JsonNode?, string> BadEntries = new()
    {
        { "id", null, "required field 'id' is missing" },
        { "id", "VOC", "field 'id' must be 12 lower-case hex digits, not 'VOC'" },
        { "name", 3, "field 'name' must be a non-empty string, not 3" },
        { "alias", "my model", "field 'alias' must be a non-empty name without spaces or slashes, not 'my model'" },
        { "kind", "segmenter", "field 'kind' must be detector or backbone, not 'segmenter'" },
        { "arch", "yolo", "field 'arch' of a detector must be one of fasterrcnn_resnet18_fpn, fasterrcnn_resnet34_fpn, fasterrcnn_resnet50_fpn, fasterrcnn_resnet101_fpn, not 'yolo'" },
        { "dataset", null, "required field 'dataset' is missing" },
        { "dataset", JsonNode.Parse("""{"name": "voc"}"""), "required field 'dataset.num_classes' is missing" },
        { "dataset", JsonNode.Parse("""{"name": "voc", "num_classes": 0}"""), "field 'dataset.num_classes' must be a positive integer, not 0" },
        { "classes", JsonNode.Parse("""["cat"]"""), "field 'classes' has 1 names but dataset.num_classes is 2" },
        { "url", null, "required field 'url' is missing" },
        { "url", "ftp://example.org/a.tar.gz", "field 'url' must be http, https or file, not 'ftp:' (ftp://example.org/a.tar.gz)" },
        { "url", "weights.zip", "the url must name a checkpoint archive (.tar.gz or .tgz), or a torchvision .pth with a 'torchvision' field, not 'weights.zip'" },
        { "sha256", null, "field 'sha256' is required" },
        { "sha256", "ABC", "field 'sha256' must be 64 lower-case hex digits, not 'ABC'" },
        { "size", -1, "field 'size' must be a positive number of bytes, not -1" },
        { "torchvision", JsonNode.Parse("""{"classes": "coco"}"""), "field 'torchvision' is for a torchvision .pth file, but the url names 'voc2012.tar.gz'" },
        { "sha265", "x", "unknown field 'sha265'; an entry has id, name, alias, kind, arch, dataset, classes, url, sha256, size, description, torchvision" },
    };

    [Theory]
    [MemberData(nameof(BadEntries))]
    public void ABadEntryIsRefusedNamingTheIndexTheEntryAndTheField(string field, JsonNode? value, string message)
    {
        var e = Assert.Throws<InputDataException>(() => Parse(Valid, With(field, value)));
        string id = field != "id" ? " (0123456789ab)" : value is JsonValue v && v.TryGetValue(out string? text) ? $" ({text})" : "";
        Assert.Equal($"{Source}: checkpoints[1]{id}: {message}", e.Message);
    }

    public static readonly TheoryData<string, string> BadTorchvisionEntries = new()
    {
        { """{"batch_norm_eps": 0}""", "field 'torchvision.classes' is required for a detector (a preset: coco, voc; or an array of names)" },
        { """{"classes": "imagenet"}""", "field 'torchvision.classes' must be a preset (coco, voc) or an array of names, not 'imagenet'" },
        { """{"classes": "voc"}""", "field 'torchvision.classes' has 20 names but dataset.num_classes is 2" },
        { """{"classes": ["cat", "dog"], "batch_norm_eps": 2}""", "field 'torchvision.batch_norm_eps' must be a number in [0, 1], not 2" },
        { """{"classes": ["cat", "dog"], "eps": 0}""", "unknown field 'torchvision.eps'; it has classes, batch_norm_eps" },
    };

    [Theory]
    [MemberData(nameof(BadTorchvisionEntries))]
    public void ABadTorchvisionEntryIsRefused(string torchvision, string message)
    {
        var node = JsonNode.Parse(Valid)!.AsObject();
        node["url"] = "https://example.org/ours-0123abcd.pth";
        node.Remove("sha256");
        node["torchvision"] = JsonNode.Parse(torchvision);
        var e = Assert.Throws<InputDataException>(() => Parse(node.ToJsonString()));
        Assert.Equal($"{Source}: checkpoints[0] (0123456789ab): {message}", e.Message);
    }

    [Fact]
    public void ATorchvisionFileWithoutAHashInItsNameNeedsASha256()
    {
        var node = JsonNode.Parse(Valid)!.AsObject();
        node["url"] = "https://example.org/ours.pth";
        node.Remove("sha256");
        node["torchvision"] = JsonNode.Parse("""{"classes": ["cat", "dog"]}""");
        var e = Assert.Throws<InputDataException>(() => Parse(node.ToJsonString()));
        Assert.Equal($"{Source}: checkpoints[0] (0123456789ab): field 'sha256' is required: the file name 'ours.pth' carries no torchvision hash (name-<hex digits>.pth)", e.Message);
    }

    [Fact]
    public void IdsAndAliasesAreUnique()
    {
        var sameId = Assert.Throws<InputDataException>(() => Parse(Valid, With("alias", "other")));
        Assert.Equal($"{Source}: checkpoints[1]: id '0123456789ab' appears twice ('VOC2012' has it too)", sameId.Message);
        var sameAlias = Assert.Throws<InputDataException>(() => Parse(Valid, With("id", "ba9876543210")));
        Assert.Equal($"{Source}: checkpoints[1] (ba9876543210): alias 'voc2012' is already used by 0123456789ab", sameAlias.Message);
    }

    [Theory]
    [InlineData("{}", "not a checkpoint index: expected a JSON object {\"checkpoints\": [entry, ...]}")]
    [InlineData("{\"checkpoints\": {}}", "'checkpoints' must be an array of entries, not an object")]
    [InlineData("{\"checkpoints\": [3]}", "checkpoints[0]: an entry must be a JSON object, not 3")]
    public void AFileThatIsNotAnIndexIsRefused(string json, string message)
    {
        var e = Assert.Throws<InputDataException>(() => CheckpointIndex.Parse(json, Source, null));
        Assert.Equal($"{Source}: {message}", e.Message);
        var notJson = Assert.Throws<InputDataException>(() => CheckpointIndex.Parse("{\"checkpoints\": [", Source, null));
        Assert.StartsWith($"{Source}: not valid JSON (", notJson.Message);
    }

    [Fact]
    public void ARelativeUrlNeedsAnIndexLocation()
    {
        var e = Assert.Throws<InputDataException>(() => CheckpointIndex.Parse($"{{\"checkpoints\": [{Valid}]}}", "builtin", null));
        Assert.Equal("builtin: checkpoints[0] (0123456789ab): field 'url' is relative ('voc2012.tar.gz') but this index has no location to resolve it against; give an absolute URL", e.Message);
    }

    [Theory]
    [InlineData("fasterrcnn_resnet50_fpn_coco-258fb6c6.pth", "258fb6c6")]
    [InlineData("resnet50-0676ba61.pth", "0676ba61")]
    [InlineData("a-b-0123.pth", "0123")]
    [InlineData("resnet50-0676ba61.v2.pth", "0676ba61")]
    [InlineData("model.pth", null)]
    [InlineData("model-.pth", null)]
    [InlineData("model-ABCD.pth", null)]
    public void TheHashPrefixIsReadFromTheFileNameAsTorchHubReadsIt(string fileName, string? prefix) =>
        Assert.Equal(prefix, CheckpointIndex.TorchvisionHashPrefix(fileName));
}
