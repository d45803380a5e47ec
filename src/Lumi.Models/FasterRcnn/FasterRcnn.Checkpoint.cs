using Lumi.Data.Classes;
using Lumi.Data.Errors;
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
        checkpoint.Info.RequireDetector(checkpoint.Info.Id);
        var model = new FasterRcnn(checkpoint.Info.Model);
        StateDictLoader.Load(model, checkpoint.StateDict, strict: true);
        if (checkpoint.Info.Classes.Any(c => c == ClassList.Placeholder))
            model.RoiHeads.EmittedClasses = checkpoint.Info.Classes.Select(c => c != ClassList.Placeholder).ToArray();
        model.eval();
        return model;
    }

    /// <summary>
    /// Loads ImageNet classification weights (torchvision's <c>resnet50-*.pth</c>, or the same keys as safetensors)
    /// into the backbone's ResNet body alone; the classifier (<c>fc.*</c>) is dropped. Every body key must be
    /// covered and nothing else may be in the file; FPN, RPN and heads keep their initialization.
    /// </summary>
    public StateDictLoadResult LoadBackboneWeights(string path)
    {
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
}
