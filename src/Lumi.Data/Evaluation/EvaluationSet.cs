using System.Globalization;
using Lumi.Data.Errors;
using Lumi.Data.Metrics;
using Lumi.Data.Voc;

namespace Lumi.Data.Evaluation;

/// <summary>
/// The images of a VOC split paired with their detections, ready for <see cref="DetectionEvaluator"/>: ground truth in
/// split order, detections matched to annotation ids by file stem.
/// </summary>
public static class EvaluationSet
{
    /// <summary>How many stems an error lists before saying how many more there are.</summary>
    public const int ListedInErrors = 5;

    /// <summary>The image's objects as evaluation ground truth (continuous 0-based boxes, difficult flags kept).</summary>
    public static GroundTruthObject[] GroundTruth(VocImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var result = new GroundTruthObject[image.Objects.Count];
        for (int k = 0; k < result.Length; k++)
        {
            var o = image.Objects[k];
            result[k] = new GroundTruthObject(o.Box.X1, o.Box.Y1, o.Box.X2, o.Box.Y2, image.ClassIndices[k], o.Difficult);
        }
        return result;
    }

    /// <summary>
    /// Pairs the split's images with the saved predictions. An image without predictions has no detections; an image
    /// whose prediction line records an error has none either and is listed in <paramref name="failed"/>.
    /// </summary>
    /// <exception cref="InputDataException">A stem that appears twice in a JSON-lines file, predictions for images
    /// outside the split (a few listed), a class name not in <paramref name="classes"/>, or a label out of range.</exception>
    public static IReadOnlyList<EvaluationImage> FromPredictions(
        IReadOnlyList<VocImage> images, IReadOnlyList<string> classes, PredictionsFile predictions, string split,
        out IReadOnlyList<SavedImagePredictions> failed)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(predictions);

        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        var byNumber = new Dictionary<long, int>();
        for (int i = 0; i < images.Count; i++)
        {
            if (!byId.TryAdd(images[i].Id, i))
                throw new InputDataException(
                    $"split '{split}': image id '{images[i].Id}' appears in {images[byId[images[i].Id]].Root} and {images[i].Root}; predictions are matched by file stem, so ids must be unique");
            if (long.TryParse(images[i].Id, NumberStyles.None, CultureInfo.InvariantCulture, out long n)) byNumber.TryAdd(n, i);
        }

        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var outside = new List<SavedImagePredictions>();
        var matched = new SavedImagePredictions?[images.Count];
        var errors = new List<SavedImagePredictions>();
        foreach (var p in predictions.Images)
        {
            if (!seen.TryAdd(p.Stem, p.Where))
                throw new InputDataException(
                    $"{p.Where}: image '{p.Stem}' already has predictions on {Line(seen[p.Stem])}; predictions are matched to annotation ids by file stem, so each stem may appear once");
            if (!byId.TryGetValue(p.Stem, out int index) && !(p.NumericId is long n && byNumber.TryGetValue(n, out index)))
            {
                outside.Add(p);
                continue;
            }
            matched[index] = p;
            if (p.Error is not null) errors.Add(p);
        }
        if (outside.Count > 0)
        {
            string listed = string.Join(", ", outside.Take(ListedInErrors).Select(p => $"'{p.Stem}' ({Line(p.Where)})"));
            string more = outside.Count > ListedInErrors ? $" and {outside.Count - ListedInErrors} more" : "";
            throw new InputDataException(
                $"{predictions.Path}: {outside.Count} image(s) are not in split '{split}' ({images.Count} images): {listed}{more}; evaluate the split the predictions were made for");
        }

        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < classes.Count; c++) byName.TryAdd(classes[c], c);
        var result = new EvaluationImage[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            var p = matched[i];
            var detections = new Detection[p?.Objects.Count ?? 0];
            for (int k = 0; k < detections.Length; k++)
            {
                var o = p!.Objects[k];
                int c = o.ClassName is string name
                    ? byName.TryGetValue(name, out int found) ? found : throw new InputDataException(
                        $"{p.Where}: objects[{k}] has label '{name}', which is not a class of the evaluation ({string.Join(", ", classes)}); give the model's classes with --classes")
                    : o.Label is int label && label >= 1 && label <= classes.Count ? label - 1 : throw new InputDataException(
                        $"{p.Where}: category_id {o.Label} is out of range: labels are 1-based, valid 1..{classes.Count} ({string.Join(", ", classes)})");
                detections[k] = new Detection(o.X1, o.Y1, o.X2, o.Y2, c, o.Score);
            }
            result[i] = new EvaluationImage(images[i].Id, GroundTruth(images[i]), detections);
        }
        failed = errors;
        return result;
    }

    private static string Line(string where)
    {
        int colon = where.LastIndexOf(':');
        return colon >= 0 && int.TryParse(where.AsSpan(colon + 1), out _) ? "line " + where[(colon + 1)..] : where;
    }
}
