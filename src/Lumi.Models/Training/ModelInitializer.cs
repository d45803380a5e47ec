using Lumi.Data.Errors;
using Lumi.Models.Checkpoints;
using static TorchSharp.torch;

namespace Lumi.Models.Training;

/// <summary>
/// <c>--init-from</c>: loads weights into a new model from a Lumi checkpoint (id, alias, folder, archive, run folder) or a
/// torchvision Faster R-CNN <c>.pth</c> (ImageNet backbone weights are <c>model.backbone.pretrained</c>). A box predictor made for another number of classes is left at its fresh
/// initialization, with a notice; every other key must fit.
/// </summary>
public static class ModelInitializer
{
    private const string PredictorPrefix = "roi_heads.box_predictor.";
    private const string ClassifierKey = "roi_heads.box_predictor.cls_score.weight";

    public static void Apply(FasterRcnn.FasterRcnn model, string reference, Action<string> notice)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(reference);
        ArgumentNullException.ThrowIfNull(notice);
        bool pth = File.Exists(reference) && (reference.EndsWith(".pth", StringComparison.OrdinalIgnoreCase) || reference.EndsWith(".pt", StringComparison.OrdinalIgnoreCase));
        string source;
        Dictionary<string, Tensor> tensors;
        if (pth)
        {
            source = reference;
            TorchStateDict file;
            try
            {
                file = TorchFileReader.Read(reference);
            }
            catch (Exception e) when (e is InvalidDataException or NotSupportedException or EndOfStreamException)
            {
                throw new InputDataException($"--init-from {reference}: {e.Message}", e);
            }
            var rename = TorchvisionKeys.UpgradeFor(file.ModuleVersions);
            tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var (key, value) in file.Tensors)
            {
                if (rename(key) is string name) tensors[name] = value;
            }
        }
        else
        {
            using ResolvedCheckpoint resolved = CheckpointLocator.Locate(reference);
            source = resolved.Description;
            Checkpoint checkpoint;
            try
            {
                checkpoint = CheckpointReader.Read(resolved.Folder);
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                throw new InputDataException($"--init-from {reference}: {e.Message}", e);
            }
            tensors = checkpoint.StateDict.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        }
        try
        {
            long wanted = model.Options.NumClasses + 1;
            if (tensors.TryGetValue(ClassifierKey, out var classifier) && classifier.shape[0] != wanted)
            {
                notice($"--init-from {reference}: its box predictor has {classifier.shape[0] - 1} classes and this run {wanted - 1}: " +
                       "the predictor (roi_heads.box_predictor.*) starts from a fresh initialization");
                foreach (string key in tensors.Keys.Where(k => k.StartsWith(PredictorPrefix, StringComparison.Ordinal)).ToList())
                    tensors.Remove(key);
            }
            StateDictLoadResult result;
            try
            {
                result = StateDictLoader.Load(model, tensors, strict: false);
            }
            catch (StateDictLoadException e)
            {
                throw new InputDataException($"--init-from {reference}: does not fit this model ({model.Options.Backbone.Name}): {e.Message}", e);
            }
            var missing = result.MissingKeys.Where(k => !k.StartsWith(PredictorPrefix, StringComparison.Ordinal)).ToList();
            if (missing.Count > 0 || result.UnexpectedKeys.Count > 0)
            {
                throw new InputDataException(
                    $"--init-from {reference}: does not fit this model ({model.Options.Backbone.Name}): " +
                    (missing.Count > 0 ? $"missing {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", …" : "")} " : "") +
                    (result.UnexpectedKeys.Count > 0 ? $"unexpected {string.Join(", ", result.UnexpectedKeys.Take(5))}{(result.UnexpectedKeys.Count > 5 ? ", …" : "")}" : ""));
            }
            notice($"Initialized from {source} ({result.Loaded.Count} tensors)");
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }
}
