using Lumi.Data.Errors;
using Lumi.Data.Evaluation;
using Lumi.Data.Imaging;
using Lumi.Data.Metrics;
using Lumi.Data.Voc;

namespace Lumi.Inference;

/// <summary>Runs a <see cref="Detector"/> over the images of a VOC split and pairs its detections with the ground truth.</summary>
public static class DetectorEvaluation
{
    /// <summary>The score threshold for evaluation: low, so that the precision–recall curve runs to high recall.</summary>
    public const float EvaluationScoreThreshold = 0.001f;

    /// <summary>At most this many detections per image, as the VOC and COCO evaluations of torchvision's models.</summary>
    public const int EvaluationMaxDetections = 100;

    /// <summary>
    /// Predicts every image in order. The detector's classes are matched by name to <paramref name="classes"/>, the
    /// evaluation's class list; <paramref name="progress"/> is called after each image with the number done.
    /// </summary>
    public static IReadOnlyList<EvaluationImage> Run(
        Detector detector, IReadOnlyList<VocImage> images, IReadOnlyList<string> classes, DetectionOverrides overrides, Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(classes);
        var toEvaluation = new int[detector.Classes.Count + 1];
        for (int label = 1; label <= detector.Classes.Count; label++)
        {
            string name = detector.Classes[label - 1];
            int index = -1;
            for (int c = 0; c < classes.Count; c++)
                if (classes[c] == name) { index = c; break; }
            toEvaluation[label] = index;
        }
        var result = new EvaluationImage[images.Count];
        // Annotation tools label the stored pixels: the EXIF orientation is applied only when the annotation's
        // size is the turned one (the VOC reader's rule), so detections and ground truth share one frame.
        var oriented = new ImageDecoder(applyOrientation: true);
        var stored = new ImageDecoder(applyOrientation: false);
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            Detection[] found;
            try
            {
                var decoder = image.AppliesOrientation(stored.Identify(image.ImagePath)) ? oriented : stored;
                found = detector.Predict(decoder.Decode(image.ImagePath), overrides);
            }
            catch (LumiException e)
            {
                throw new InputDataException($"{image.ImagePath}: {e.Message}", e);
            }
            var detections = new List<Data.Metrics.Detection>(found.Length);
            foreach (var d in found)
            {
                int c = d.Label >= 1 && d.Label < toEvaluation.Length ? toEvaluation[d.Label] : -1;
                if (c < 0)
                    throw new InputDataException(
                        $"{detector.Path}: the model's class '{d.ClassName}' (label {d.Label}) is not a class of the evaluation ({string.Join(", ", classes)}); give the model's classes with --classes");
                detections.Add(new Data.Metrics.Detection(d.X1, d.Y1, d.X2, d.Y2, c, d.Score));
            }
            result[i] = new EvaluationImage(image.Id, EvaluationSet.GroundTruth(image), detections);
            progress?.Invoke(i + 1);
        }
        return result;
    }
}
