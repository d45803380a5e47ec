using Lumi.Data;
using Lumi.Data.Errors;
using Lumi.Data.Imaging;
using Lumi.Data.Metrics;
using Lumi.Data.Training;
using Lumi.Data.Voc;
using static TorchSharp.torch;

namespace Lumi.Models.Training;

/// <summary>
/// Validation during training with <c>lumi eval</c>'s evaluator: each image decoded by the VOC reader's EXIF rule,
/// resized by the one resize rule, detected with a low score threshold (so the precision-recall curve runs to high
/// recall), boxes mapped back to the original pixels and scored against the ground truth under <c>data.difficult</c>.
/// </summary>
public static class ValidationRunner
{
    /// <summary>The score threshold while validating, as <c>lumi eval</c> uses.</summary>
    public const double ScoreThreshold = 0.001;

    public static EvaluationResult Evaluate(FasterRcnn.FasterRcnn model, VocDataset split, DataOptions data, int batchSize, Device device, Action<string> warn)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(data);
        bool wasTraining = model.training;
        double threshold = model.RoiHeads.ScoreThreshold;
        model.eval();
        model.RoiHeads.ScoreThreshold = ScoreThreshold;
        try
        {
            var rule = new ResizeRule(model.Options.Transform.MinSize, model.Options.Transform.MaxSize);
            var oriented = new ImageDecoder(data.MaxPixels, applyOrientation: true);
            var stored = new ImageDecoder(data.MaxPixels, applyOrientation: false);
            var results = new List<EvaluationImage>(split.Images.Count);
            foreach (VocImage[] chunk in split.Images.Chunk(Math.Max(1, batchSize)))
            {
                var kept = new List<(VocImage Image, RgbImage Pixels, int Width, int Height)>(chunk.Length);
                foreach (VocImage image in chunk)
                {
                    try
                    {
                        ImageDecoder decoder = image.AppliesOrientation(stored.Identify(image.ImagePath)) ? oriented : stored;
                        RgbImage decoded = decoder.Decode(image.ImagePath);
                        kept.Add((image, rule.Resize(decoded), decoded.Width, decoded.Height));
                    }
                    catch (InputDataException e)
                    {
                        warn($"warning: validation skips image '{image.Id}' ({e.Message})");
                    }
                }
                if (kept.Count == 0)
                    continue;
                PaddedBatch packed = Padding.Pack(kept.Select(k => k.Pixels).ToList(), model.Options.Transform.SizeDivisible);
                using var scope = NewDisposeScope();
                var images = tensor(packed.Data, packed.Shape, device: device);
                var detections = model.Detect(images, packed.Sizes.Select(s => ((long)s.Height, (long)s.Width)).ToList());
                for (int i = 0; i < kept.Count; i++)
                {
                    VocImage image = kept[i].Image;
                    float[] boxes = detections[i].Boxes.cpu().data<float>().ToArray();
                    float[] scores = detections[i].Scores.cpu().data<float>().ToArray();
                    long[] labels = detections[i].Labels.cpu().data<long>().ToArray();
                    BoxScale.Between(kept[i].Pixels.Width, kept[i].Pixels.Height, kept[i].Width, kept[i].Height).Apply(boxes);
                    var found = new List<Detection>(scores.Length);
                    for (int d = 0; d < scores.Length; d++)
                        found.Add(new Detection(boxes[4 * d], boxes[4 * d + 1], boxes[4 * d + 2], boxes[4 * d + 3], (int)labels[d] - 1, scores[d]));
                    results.Add(new EvaluationImage(image.Id, TrainingSet.GroundTruth(image, data.Difficult), found));
                }
            }
            return DetectionEvaluator.Evaluate(results, split.Classes, new EvaluationOptions { Curves = false });
        }
        finally
        {
            model.RoiHeads.ScoreThreshold = threshold;
            if (wasTraining) model.train();
        }
    }
}
