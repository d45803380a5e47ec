using System.Text.Json.Nodes;
using Lumi.Cli.Commands;
using Lumi.Cli.Errors;
using Lumi.Models.Checkpoints;
using Lumi.Models.FasterRcnn;
using TorchSharp;

namespace Lumi.Cli.Tests.Commands;

/// <summary>
/// <c>lumi checkpoint import | export | create | delete</c> and the refusal of backbone checkpoints by the commands
/// that need a detector; a checkpoint exported on one <c>LUMI_HOME</c> and imported into another predicts identically.
/// </summary>
[Collection(LumiHomeCollection.Name)]
public sealed class CheckpointStoreTests : IDisposable
{
    private const string Id = TinyCheckpoint.Id;
    private readonly TempFiles _files = new();
    private readonly LumiHomeScope _home;

    public CheckpointStoreTests() => _home = new LumiHomeScope(Path.Combine(_files.Dir, "home-a"));

    public void Dispose()
    {
        _home.Dispose();
        _files.Dispose();
    }

    [Fact]
    public void ACheckpointExportedOnOneStoreAndImportedIntoAnotherPredictsIdentically()
    {
        string folder = Path.Combine(_files.Dir, "tiny");
        TinyCheckpoint.Write(folder, new TransformOptions { MinSize = 160, MaxSize = 320 }, alias: "pets");
        var imported = CliRunner.Run("checkpoint", "import", folder);
        Assert.True(imported.Code == ExitCodes.Ok, imported.Err);
        Assert.Equal($"Imported checkpoint {Id} (tiny, alias pets) from {folder} into {Path.Combine(_home.Checkpoints, Id)}\n", imported.Out);

        string archive = Path.Combine(_files.Dir, "shared.tar.gz");
        var exported = CliRunner.Run("checkpoint", "export", "pets", "--output", archive);
        Assert.True(exported.Code == ExitCodes.Ok, exported.Err);
        Assert.StartsWith($"Exported checkpoint {Id} (tiny) to {archive} (", exported.Out);
        var fromA = Predict("pets");

        string homeA = _home.Home;
        _home.Use(Path.Combine(_files.Dir, "home-b"));
        var intoB = CliRunner.Run("checkpoint", "import", archive);
        Assert.True(intoB.Code == ExitCodes.Ok, intoB.Err);
        Assert.Equal($"Imported checkpoint {Id} (tiny, alias pets) from {archive} into {Path.Combine(_home.Checkpoints, Id)}\n", intoB.Out);
        Assert.Equal(new[] { "checkpoint.json", "weights.safetensors" },
            Directory.GetFiles(Path.Combine(_home.Checkpoints, Id)).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(File.ReadAllBytes(Path.Combine(homeA, "checkpoints", Id, "weights.safetensors")),
            File.ReadAllBytes(Path.Combine(_home.Checkpoints, Id, "weights.safetensors")));
        var fromB = Predict("pets");

        Assert.True(fromA.Scores.Length > 10, $"{fromA.Scores.Length} detections");
        Assert.Equal(fromA.Boxes, fromB.Boxes);
        Assert.Equal(fromA.Scores, fromB.Scores);
        Assert.Equal(fromA.Labels, fromB.Labels);
    }

    /// <summary>The detections of the checkpoint <paramref name="reference"/> of the current store on a fixed image (score threshold 0).</summary>
    private static (float[] Boxes, float[] Scores, long[] Labels) Predict(string reference)
    {
        using var scope = torch.NewDisposeScope();
        using var resolved = CheckpointLocator.Locate(reference);
        using var checkpoint = CheckpointReader.Read(resolved.Folder);
        using var model = FasterRcnn.FromCheckpoint(checkpoint);
        model.RoiHeads.ScoreThreshold = 0;
        var image = (torch.arange(3 * 150 * 200, torch.ScalarType.Float32).reshape(1, 3, 150, 200) * 0.37f).frac();
        var d = model.Detect(image, new[] { (150L, 200L) })[0];
        return (d.Boxes.data<float>().ToArray(), d.Scores.data<float>().ToArray(), d.Labels.data<long>().ToArray());
    }

    [Fact]
    public void ImportVerifiesEveryFileAndRefusesAnIdAlreadyInTheStore()
    {
        string folder = Path.Combine(_files.Dir, "small");
        CheckpointFiles.WriteSmall(folder);
        Assert.Equal(ExitCodes.Ok, CliRunner.Run("checkpoint", "import", folder).Code);

        var twice = CliRunner.Run("checkpoint", "import", folder);
        Assert.Equal(ExitCodes.InputData, twice.Code);
        string target = Path.Combine(_home.Checkpoints, Id);
        Assert.Equal($"checkpoint {Id} is already in the store ({target}); delete it first with lumi checkpoint delete {Id}\n", twice.Err);

        _home.Use(Path.Combine(_files.Dir, "home-b"));
        string weights = Path.Combine(folder, "weights.safetensors");
        File.WriteAllBytes(weights, File.ReadAllBytes(weights).Reverse().ToArray());
        var tampered = CliRunner.Run("checkpoint", "import", folder);
        Assert.Equal(ExitCodes.InputData, tampered.Code);
        Assert.StartsWith($"{weights} does not match checkpoint.json (sha256 ", tampered.Err);
        Assert.EndsWith("): the file is corrupt or was modified.\n", tampered.Err);
        Assert.False(Directory.Exists(Path.Combine(_home.Checkpoints, Id)));
        Assert.Empty(Directory.GetFileSystemEntries(_home.Checkpoints));

        var flags = CliRunner.Run("checkpoint", "import", folder, "--classes", "voc");
        Assert.Equal(ExitCodes.Usage, flags.Code);
        Assert.Equal("lumi checkpoint import: --classes applies to --torchvision only; an archive or folder brings its own checkpoint.json\n", flags.Err);
    }

    [Fact]
    public void CreateTakesTheRunsBestWeightsAndModelConfigurationOnly()
    {
        string run = Path.Combine(_files.Dir, "runs", "voc-r18");
        CheckpointFiles.WriteSmall(Path.Combine(run, "last"), id: "111111111111");
        CheckpointFiles.WriteSmall(Path.Combine(run, "best"), id: "222222222222");
        // The run's checkpoint also keeps training state, listed in its checkpoint.json: it must not come along.
        string best = Path.Combine(run, "best");
        File.WriteAllText(Path.Combine(best, "optimizer.bin"), "momentum buffers");
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(best, "checkpoint.json")))!;
        json["files"]!["optimizer.bin"] = new JsonObject
        {
            ["sha256"] = CheckpointFiles.Sha256(File.ReadAllBytes(Path.Combine(best, "optimizer.bin"))),
            ["size"] = new FileInfo(Path.Combine(best, "optimizer.bin")).Length,
        };
        File.WriteAllText(Path.Combine(best, "checkpoint.json"), json.ToJsonString());

        var created = CliRunner.Run("checkpoint", "create", run, "--alias", "voc-small", "--description", "our first run");

        Assert.True(created.Code == ExitCodes.Ok, created.Err);
        var m = System.Text.RegularExpressions.Regex.Match(created.Out, $@"^Created checkpoint ([0-9a-f]{{12}}) \(voc-r18, alias voc-small\) from run {System.Text.RegularExpressions.Regex.Escape(run)}: using best in (.*)\n$");
        Assert.True(m.Success, created.Out);
        string id = m.Groups[1].Value;
        Assert.NotEqual("222222222222", id);
        Assert.Equal(Path.Combine(_home.Checkpoints, id), m.Groups[2].Value);
        Assert.Equal(new[] { "checkpoint.json", "weights.safetensors" },
            Directory.GetFiles(m.Groups[2].Value).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var info = CheckpointReader.ReadInfo(m.Groups[2].Value);
        Assert.Equal(id, info.Id);
        Assert.Equal("voc-r18", info.Name);
        Assert.Equal("our first run", info.Description);
        Assert.Equal(new[] { "weights.safetensors" }, info.Files.Keys);
        Assert.Equal(new[] { "cat", "dog" }, info.Classes);
        Assert.Equal(32, info.Model.Backbone.FpnChannels);

        var noRun = CliRunner.Run("checkpoint", "create", Path.Combine(_files.Dir, "runs"));
        Assert.Equal(ExitCodes.InputData, noRun.Code);
        Assert.Equal($"{Path.Combine(_files.Dir, "runs")} is not a checkpoint: expected a folder with checkpoint.json, a .tar.gz of one, or a run folder with best/ or last/ (or checkpoints/best/, checkpoints/last/).\n", noRun.Err);
    }

    [Fact]
    public void DeleteAsksUnlessYesAndRefusesToGuessWithoutATerminal()
    {
        CheckpointFiles.WriteSmall(Path.Combine(_home.Checkpoints, Id), alias: "tiny");
        string folder = Path.Combine(_home.Checkpoints, Id);
        var (input, interactive) = (Confirmation.Input, Confirmation.IsInteractive);
        try
        {
            Confirmation.IsInteractive = () => false;
            var refused = CliRunner.Run("checkpoint", "delete", "tiny");
            Assert.Equal(ExitCodes.Usage, refused.Code);
            Assert.Equal($"Delete checkpoint {Id} (tiny, alias tiny) from {folder}?: stdin is not a terminal, so lumi cannot ask; pass --yes to go ahead without asking\n", refused.Err);
            Assert.True(Directory.Exists(folder));

            Confirmation.IsInteractive = () => true;
            Confirmation.Input = () => new StringReader("n\n");
            var kept = CliRunner.Run("checkpoint", "delete", "tiny");
            Assert.Equal(ExitCodes.Ok, kept.Code);
            Assert.Equal($"Delete checkpoint {Id} (tiny, alias tiny) from {folder}? [y/N] ", kept.Err);
            Assert.Equal($"Kept checkpoint {Id}.\n", kept.Out);
            Assert.True(Directory.Exists(folder));

            Confirmation.Input = () => new StringReader("yes\n");
            var deleted = CliRunner.Run("checkpoint", "delete", Id);
            Assert.Equal($"Deleted checkpoint {Id} (tiny) from {_home.Checkpoints}\n", deleted.Out);
            Assert.False(Directory.Exists(folder));
        }
        finally
        {
            (Confirmation.Input, Confirmation.IsInteractive) = (input, interactive);
        }

        CheckpointFiles.WriteSmall(folder);
        var yes = CliRunner.Run("checkpoint", "delete", Id, "--yes");
        Assert.Equal(ExitCodes.Ok, yes.Code);
        Assert.Empty(Directory.GetFileSystemEntries(_home.Checkpoints));
        var missing = CliRunner.Run("checkpoint", "delete", Id, "--yes");
        Assert.Equal(ExitCodes.InputData, missing.Code);
        Assert.Equal($"checkpoint '{Id}': no checkpoint with that id or alias in {_home.Checkpoints} (lumi checkpoint list shows what there is)\n", missing.Err);
    }

    [Fact]
    public void BackboneCheckpointsAreRefusedByTheCommandsThatNeedADetector()
    {
        CheckpointFiles.WriteSmall(Path.Combine(_home.Checkpoints, "abcdefabcdef"), id: "abcdefabcdef", alias: "r18-imagenet", kind: CheckpointKind.Backbone);
        string message = "checkpoint 'r18-imagenet' (abcdefabcdef) is a backbone (resnet18, tiny): classification weights to train a detector from, " +
            "not a detector; prediction, export and evaluation need a detector checkpoint (lumi checkpoint list shows each one's kind)\n";

        var export = CliRunner.Run("export", "--checkpoint", "r18-imagenet", "--output", Path.Combine(_files.Dir, "x.onnx"));
        Assert.Equal(ExitCodes.InputData, export.Code);
        Assert.Equal(message, export.Err);

        string dataset = EvalCommandTests.Dataset(_files);
        var eval = CliRunner.Run("eval", "--checkpoint", "r18-imagenet", "--dataset", dataset, "--device", "cpu");
        Assert.Equal(ExitCodes.InputData, eval.Code);
        Assert.Equal(message, eval.Err);

        var list = CliRunner.Run("checkpoint", "list");
        Assert.Matches(@"\| abcdefabcdef \| tiny +\| r18-imagenet +\| backbone \| test +\| - +\| local +\| local +\|", list.Out);
    }
}
