using Lumi.Data.Classes;
using Lumi.Data.Errors;
using Lumi.Models.Backbones;
using Lumi.Models.Checkpoints;
using static TorchSharp.torch;

namespace Lumi.Models.FasterRcnn;

public sealed partial class FasterRcnn
{
    /// <summary>
    /// A model built from a checkpoint's configuration with its weights loaded (every key and shape checked), in
    /// eval mode; placeholder classes ("N/A") are never detected.
    /// </summary>
    public static FasterRcnn FromCheckpoint(Checkpoint checkpoint)
    {
        var model = new FasterRcnn(checkpoint.Info.Model);
        StateDictLoader.Load(model, checkpoint.StateDict, strict: true);
        if (checkpoint.Info.Classes.Any(c => c == ClassList.Placeholder))
            model.RoiHeads.EmittedClasses = checkpoint.Info.Classes.Select(c => c != ClassList.Placeholder).ToArray();
        model.eval();
        return model;
    }

    /// <summary>
    /// Loads what <c>model.backbone.pretrained</c> names into a new model's backbone body: nothing for <c>none</c>; for
    /// <c>imagenet</c> the weights bundled for the backbone (<c>resnet18_cntk</c>: <see cref="CntkResNet18.BundledPath"/>);
    /// otherwise the file at that path (<see cref="LoadBackboneWeights"/>). Returns what was loaded, for the log, or null.
    /// </summary>
    /// <exception cref="UsageException">No bundled weights for this backbone, or the configuration does not fit them.</exception>
    public string? LoadPretrainedBackbone()
    {
        string pretrained = Options.Backbone.Pretrained;
        if (pretrained is "" or "none") return null;
        string path;
        if (pretrained == "imagenet")
        {
            if (Options.Backbone.Name != CntkResNet18.Name)
            {
                throw new UsageException(
                    $"model.backbone.pretrained: imagenet: Lumi bundles ImageNet weights for {CntkResNet18.Name} only, not {Options.Backbone.Name}; " +
                    $"give the path of torchvision's {Options.Backbone.Name} ImageNet weights (.pth or .safetensors) instead");
            }
            path = CntkResNet18.BundledPath();
        }
        else
        {
            path = pretrained;
        }
        LoadBackboneWeights(path);
        return $"{Options.Backbone.Name} ImageNet weights from {path}";
    }

    /// <summary>
    /// Loads ImageNet classification weights (torchvision's <c>resnet50-*.pth</c>, or the same keys as safetensors; for
    /// <c>resnet18_cntk</c> CNTK's <c>ResNet18.onnx</c>, see <see cref="CntkResNet18"/>) into the backbone's ResNet body
    /// alone; the classifier (<c>fc.*</c>) is dropped. Every body key must be covered and nothing else may be in the
    /// file; FPN, RPN and heads keep their initialization.
    /// </summary>
    public StateDictLoadResult LoadBackboneWeights(string path)
    {
        if (path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            return LoadCntkBackboneWeights(path);
        Dictionary<string, Tensor> tensors;
        try
        {
            tensors = path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)
                ? SafeTensors.Read(path)
                : TorchFileReader.Read(path).Tensors.ToDictionary();
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or EndOfStreamException or FileNotFoundException)
        {
            throw new InputDataException($"{path}: {e.Message}", e);
        }
        try
        {
            var result = StateDictLoader.Load(this, tensors, strict: false, renameKey: TorchvisionKeys.ImageNetToBackbone);
            var missingBody = result.MissingKeys.Where(k => k.StartsWith(TorchvisionKeys.BackbonePrefix, StringComparison.Ordinal)).ToList();
            if (missingBody.Count > 0 || result.UnexpectedKeys.Count > 0)
            {
                throw new InputDataException(
                    $"{path}: not {Options.Backbone.Name} ImageNet weights: " +
                    (missingBody.Count > 0 ? $"missing {string.Join(", ", missingBody.Take(5))}{(missingBody.Count > 5 ? ", …" : "")}" : "") +
                    (missingBody.Count > 0 && result.UnexpectedKeys.Count > 0 ? "; " : "") +
                    (result.UnexpectedKeys.Count > 0 ? $"unexpected {string.Join(", ", result.UnexpectedKeys.Take(5))}{(result.UnexpectedKeys.Count > 5 ? ", …" : "")}" : ""));
            }
            return result;
        }
        catch (StateDictLoadException e)
        {
            throw new InputDataException($"{path}: not {Options.Backbone.Name} ImageNet weights: {e.Message}", e);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>
    /// CNTK's ResNet-18 (<see cref="CntkResNet18"/>) into a <c>resnet18_cntk</c> body. The features equal the original
    /// network's only with its input normalization and batch-norm epsilon, so both are required.
    /// </summary>
    private StateDictLoadResult LoadCntkBackboneWeights(string path)
    {
        var backbone = Options.Backbone;
        if (backbone.Name != CntkResNet18.Name)
        {
            throw new UsageException(
                $"{path}: an ONNX file is read as {CntkResNet18.Name}'s CNTK ImageNet weights, but model.backbone.name is {backbone.Name}");
        }
        static bool Same(IReadOnlyList<double> a, IReadOnlyList<double> b) =>
            a.Count == b.Count && a.Zip(b).All(p => Math.Abs(p.First - p.Second) <= 1e-6 * Math.Max(Math.Abs(p.Second), 1e-3));
        static string Show(IEnumerable<double> v) =>
            "[" + string.Join(", ", v.Select(x => x.ToString("G10", System.Globalization.CultureInfo.InvariantCulture))) + "]";
        if (!Same(Options.Transform.ImageMean, CntkResNet18.ImageMean) || !Same(Options.Transform.ImageStd, CntkResNet18.ImageStd))
        {
            throw new UsageException(
                $"{CntkResNet18.Name}'s ImageNet weights expect 0..255 pixels minus the ImageNet mean: set model.transform.image_mean: " +
                $"{Show(CntkResNet18.ImageMean)} and image_std: {Show(CntkResNet18.ImageStd)} (configs/backbones/{CntkResNet18.Name}.yml does), " +
                $"not {Show(Options.Transform.ImageMean)} and {Show(Options.Transform.ImageStd)}");
        }
        if (Math.Abs(backbone.BatchNormEps - CntkResNet18.BatchNormEps) > 1e-12)
        {
            throw new UsageException(
                $"{CntkResNet18.Name}'s ImageNet weights were trained with batch-norm epsilon {CntkResNet18.BatchNormEps:R}: " +
                $"set model.backbone.batch_norm_eps to it, not {backbone.BatchNormEps:R}");
        }
        var tensors = CntkResNet18.ReadStateDict(path, this.backbone.Body);
        try
        {
            var result = StateDictLoader.Load(this, tensors, strict: false, renameKey: TorchvisionKeys.ImageNetToBackbone);
            var missingBody = result.MissingKeys
                .Where(k => k.StartsWith(TorchvisionKeys.BackbonePrefix, StringComparison.Ordinal) && !k.EndsWith(StateDictLoader.NumBatchesTracked, StringComparison.Ordinal))
                .ToList();
            if (missingBody.Count > 0 || result.UnexpectedKeys.Count > 0)
                throw new InvalidOperationException($"{path}: the CNTK mapping left body keys unset ({string.Join(", ", missingBody.Take(5))}) or extra ({string.Join(", ", result.UnexpectedKeys.Take(5))})");
            return result;
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }
}
