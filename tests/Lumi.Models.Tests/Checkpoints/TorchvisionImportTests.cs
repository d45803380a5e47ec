using System.Diagnostics;
using Lumi.Data.Classes;
using Lumi.Data.Errors;
using Lumi.Models.Checkpoints;
using Lumi.Models.Tests.FasterRcnn;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Lumi.Models.Tests.Checkpoints;

/// <summary>
/// torchvision's published layout (R50-FPN, 91 outputs, frozen batch norm with epsilon 0) imported from
/// both .pth formats — the legacy one with pre-0.13 key names — detects what torchvision detects, and the
/// checkpoint's weights load back into torchvision.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class TorchvisionImportTests(ITestOutputHelper output)
{
    private const string Case = "r50_coco_f32";

    [Theory]
    [InlineData("legacy")]
    [InlineData("zip")]
    public void ImportedCocoLayoutDetectsLikeTorchvision(string format)
    {
        using var dir = new TempDir();
        string pth = Path.Combine(ReferenceData.GetDirectory("model_reference.py"), $"{Case}.{format}.pth");
        var info = TorchvisionImporter.Import(pth, new TorchvisionImportOptions { Classes = ClassList.Coco, Alias = "coco" }, dir["ckpt"]);
        Assert.Equal("fasterrcnn_resnet50_fpn", info.Arch);
        Assert.Equal(90, info.Classes.Count);
        Assert.Equal("coco", info.Dataset.Name);
        Assert.Equal(0.0, info.Model.Backbone.BatchNormEps);
        Assert.True(info.Model.Backbone.FrozenBatchNorm);

        using var scope = NewDisposeScope();
        using var checkpoint = CheckpointReader.Read(dir["ckpt"]);
        var model = Lumi.Models.FasterRcnn.FasterRcnn.FromCheckpoint(checkpoint);
        var c = TorchvisionCase.Load(Case);
        var d = model.Detect(c.Batch(), c.ImageSizes)[0];
        var refScores = c.Io["det_scores_0"];
        Assert.True(refScores.shape[0] > 10);
        double cut = DetectionMatching.Cut(refScores, 100);
        var (total, matched) = DetectionMatching.CountMatches(c.Io["det_boxes_0"], refScores, c.Io["det_labels_0"],
            d.Boxes, d.Scores, d.Labels, cut, 0.05, 1e-3);
        output.WriteLine($"{format}: matched {matched} of {total} torchvision detections");
        Assert.True(matched >= 0.98 * total, $"{matched} of {total} matched");
    }

    [Fact]
    public void LumiWeightsLoadIntoTorchvision()
    {
        using var dir = new TempDir();
        string pth = Path.Combine(ReferenceData.GetDirectory("model_reference.py"), $"{Case}.legacy.pth");
        TorchvisionImporter.Import(pth, new TorchvisionImportOptions(), dir["ckpt"]);
        string script = string.Join("\n",
            "import sys, torch, functools",
            $"sys.path.insert(0, {Quote(ReferenceData.ScriptsDirectory)})",
            "import st",
            "from torchvision.models.detection import FasterRCNN",
            "from torchvision.models.detection.backbone_utils import resnet_fpn_backbone",
            "from torchvision.ops import FrozenBatchNorm2d",
            "def build():",
            "    norm = functools.partial(FrozenBatchNorm2d, eps=0.0)",
            "    return FasterRCNN(resnet_fpn_backbone(backbone_name='resnet50', weights=None, norm_layer=norm, trainable_layers=3), num_classes=91)",
            "lumi = build(); lumi.load_state_dict(st.load(sys.argv[1]), strict=True)",
            "original = build(); original.load_state_dict(torch.load(sys.argv[2]), strict=True)",
            "theirs = original.state_dict()",
            "for k, v in lumi.state_dict().items(): assert torch.equal(v, theirs[k]), k",
            "print('ok', len(theirs))");
        var start = new ProcessStartInfo(ReferenceData.DefaultPython) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(dir["ckpt/weights.safetensors"]);
        start.ArgumentList.Add(pth);
        using var p = Process.Start(start)!;
        string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        output.WriteLine(stdout + stderr);
        Assert.True(p.ExitCode == 0, stderr);
        Assert.StartsWith("ok", stdout);
    }

    [Fact]
    public void ClassCountThatDoesNotFitTheWeightsIsAUsageError()
    {
        using var dir = new TempDir();
        string pth = Path.Combine(ReferenceData.GetDirectory("model_reference.py"), $"{Case}.zip.pth");
        var e = Assert.Throws<UsageException>(() =>
            TorchvisionImporter.Import(pth, new TorchvisionImportOptions { Classes = ClassList.Voc }, dir["ckpt"]));
        Assert.Equal($"{pth}: the weights have 90 classes (+ background) but --classes gives 20", e.Message);
        Assert.False(Directory.Exists(dir["ckpt"]));
    }

    private static string Quote(string s) => "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
}
