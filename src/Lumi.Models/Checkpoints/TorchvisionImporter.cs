using Lumi.Data.Classes;
using Lumi.Models.Backbones;
using Lumi.Data.Errors;
using Lumi.Models.FasterRcnn;
using static TorchSharp.torch;

namespace Lumi.Models.Checkpoints;

/// <summary>
/// Turns a torchvision Faster R-CNN state dict (<c>.pth</c>, zip or legacy format, read as data) into a
/// Lumi checkpoint folder: pre-0.13 key names upgraded as torchvision's loader does, every key and shape
/// checked against the model built from the options, weights written under torchvision's names.
/// </summary>
public static class TorchvisionImporter
{
    private const string Prefix = "fasterrcnn_";
    private const string Suffix = "_fpn";
    private const string ClassifierKey = "roi_heads.box_predictor.cls_score.weight";

    /// <summary>Architectures accepted by <see cref="TorchvisionImportOptions.Arch"/>.</summary>
    public static IReadOnlyList<string> Architectures { get; } =
        new[] { "resnet18", "resnet34", "resnet50", "resnet101" }.Select(b => Prefix + b + Suffix).ToArray();

    /// <summary>Backbone architectures accepted by <see cref="ImportBackbone"/> (torchvision's classification builders).</summary>
    public static IReadOnlyList<string> BackboneArchitectures { get; } = ResNetBody.Names
        .Select(n => (Name: n, Depth: int.TryParse(n["resnet".Length..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int d) ? d : 0))
        .Where(b => b.Depth > 0) // torchvision's resnetNN; resnet18_cntk's weights come from CNTK, not torchvision
        .OrderBy(b => b.Depth)
        .Select(b => b.Name)
        .ToArray();

    /// <summary>
    /// Reads torchvision ImageNet classification weights (<c>resnet50-0676ba61.pth</c>), checks that they fill the
    /// backbone body of a detector with that depth exactly, and writes them (every key, <c>fc.*</c> included, under
    /// torchvision's names) as a backbone checkpoint: kind <c>backbone</c>, no classes, the detector configuration they fit.
    /// </summary>
    public static CheckpointInfo ImportBackbone(string pthPath, TorchvisionImportOptions options, string folder)
    {
        if (!BackboneArchitectures.Contains(options.Arch))
            throw new UsageException($"--arch: '{options.Arch}' is not a backbone; choose one of {string.Join(", ", BackboneArchitectures)}");
        var modelOptions = new FasterRcnnOptions
        {
            Backbone = new BackboneOptions { Name = options.Arch, FrozenBatchNorm = true, BatchNormEps = options.BatchNormEps, TrainableLayers = 3 },
        };
        using (TorchStateDict file = ReadPth(pthPath))
        {
            using var scope = NewDisposeScope();
            // The same check training makes when it loads these weights: every body key and shape, nothing else but fc.
            using (var model = new FasterRcnn.FasterRcnn(modelOptions)) model.LoadBackboneWeights(pthPath);
            int outputs = file.Tensors.TryGetValue("fc.weight", out var fc) ? (int)fc.shape[0] : 1000;
            var info = new CheckpointInfo
            {
                Kind = CheckpointKind.Backbone,
                Id = options.Id ?? CheckpointId.New(),
                Name = options.Name ?? Path.GetFileNameWithoutExtension(pthPath),
                Alias = options.Alias,
                Description = options.Description ?? $"Imported from torchvision weights {Path.GetFileName(pthPath)}",
                Arch = options.Arch,
                Classes = Array.Empty<string>(),
                Dataset = new CheckpointDataset(options.Dataset ?? "imagenet", outputs),
                CreatedAt = DateTimeOffset.UtcNow,
                Model = modelOptions,
            };
            return CheckpointWriter.Write(folder, info, file.Tensors.ToDictionary());
        }
    }

    /// <summary>Reads <paramref name="pthPath"/>, checks it, and writes a new checkpoint folder at <paramref name="folder"/>.</summary>
    public static CheckpointInfo Import(string pthPath, TorchvisionImportOptions options, string folder)
    {
        if (!Architectures.Contains(options.Arch))
            throw new UsageException($"--arch: '{options.Arch}' is not supported; choose one of {string.Join(", ", Architectures)}");

        using (TorchStateDict file = ReadPth(pthPath))
        {
            var rename = TorchvisionKeys.UpgradeFor(file.ModuleVersions);
            var tensors = new Dictionary<string, Tensor>();
            foreach (var (key, value) in file.Tensors)
            {
                if (rename(key) is string name) tensors[name] = value;
            }
            if (!tensors.TryGetValue(ClassifierKey, out var classifier))
                throw new InputDataException($"{pthPath}: no '{ClassifierKey}' — this is not a torchvision Faster R-CNN state dict");
            int outputs = (int)classifier.shape[0];
            ClassList classes = options.Classes ?? (outputs == ClassList.Coco.Count + 1
                ? ClassList.Coco
                : throw new UsageException($"{pthPath}: the weights have {outputs - 1} classes (+ background); give them with --classes ({ClassList.Usage})"));
            if (classes.Count + 1 != outputs)
                throw new UsageException($"{pthPath}: the weights have {outputs - 1} classes (+ background) but --classes gives {classes.Count}");

            // Frozen batch norm unless the file carries batch-norm counters (a model trained with BatchNorm2d).
            bool frozen = !tensors.Keys.Any(k => k.StartsWith("backbone.body.", StringComparison.Ordinal)
                                                 && k.EndsWith("." + StateDictLoader.NumBatchesTracked, StringComparison.Ordinal));
            string backbone = options.Arch[Prefix.Length..^Suffix.Length];
            var modelOptions = new FasterRcnnOptions
            {
                NumClasses = classes.Count,
                Backbone = new BackboneOptions
                {
                    Name = backbone,
                    FrozenBatchNorm = frozen,
                    BatchNormEps = options.BatchNormEps,
                    TrainableLayers = frozen ? 3 : 5,
                },
            };

            using var scope = NewDisposeScope();
            var model = new FasterRcnn.FasterRcnn(modelOptions);
            try
            {
                StateDictLoader.Load(model, tensors, strict: true);
            }
            catch (StateDictLoadException e)
            {
                throw new InputDataException($"{pthPath}: does not fit {options.Arch}: {e.Message}", e);
            }

            bool coco = ReferenceEquals(classes, ClassList.Coco);
            var info = new CheckpointInfo
            {
                Id = options.Id ?? CheckpointId.New(),
                Name = options.Name ?? Path.GetFileNameWithoutExtension(pthPath),
                Alias = options.Alias,
                Description = options.Description ?? $"Imported from torchvision weights {Path.GetFileName(pthPath)}",
                Arch = options.Arch,
                Classes = classes.ToList(),
                Dataset = new CheckpointDataset(options.Dataset ?? (coco ? "coco" : "custom"), classes.Count),
                CreatedAt = DateTimeOffset.UtcNow,
                Model = modelOptions,
            };
            return CheckpointWriter.Write(folder, info, model.state_dict());
        }
    }

    /// <summary>Reads a PyTorch file; a missing or unreadable one is an <see cref="InputDataException"/> naming it.</summary>
    private static TorchStateDict ReadPth(string pthPath)
    {
        if (!File.Exists(pthPath))
            throw new InputDataException($"{pthPath}: no such file");
        try
        {
            return TorchFileReader.Read(pthPath);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or EndOfStreamException)
        {
            throw new InputDataException(e.Message.StartsWith(pthPath, StringComparison.Ordinal) ? e.Message : $"{pthPath}: {e.Message}", e);
        }
    }
}
