using Lumi.Data.Errors;
using Lumi.Data.Metrics;
using Lumi.Data.Voc;

namespace Lumi.Data.Training;

/// <summary>
/// Turns a read VOC split into what training and validation use, applying <c>data.difficult</c>: <c>ignore</c> leaves
/// difficult objects out of training and makes them ignore regions in evaluation, <c>include</c> treats them as
/// ordinary objects, <c>drop</c> removes them everywhere.
/// </summary>
public static class TrainingSet
{
    public static readonly IReadOnlyList<string> DifficultModes = ["ignore", "include", "drop"];

    /// <summary>The training images; <paramref name="leftOut"/> counts difficult objects not trained on.</summary>
    public static IReadOnlyList<TrainingImage> ForTraining(VocDataset dataset, string difficult, out int leftOut)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckMode(difficult);
        leftOut = 0;
        var result = new List<TrainingImage>(dataset.Images.Count);
        foreach (VocImage image in dataset.Images)
        {
            var boxes = new List<float>(image.Objects.Count * 4);
            var labels = new List<int>(image.Objects.Count);
            for (int k = 0; k < image.Objects.Count; k++)
            {
                VocObject o = image.Objects[k];
                if (o.Difficult && difficult != "include")
                {
                    leftOut++;
                    continue;
                }
                boxes.AddRange([o.Box.X1, o.Box.Y1, o.Box.X2, o.Box.Y2]);
                labels.Add(image.ClassIndices[k] + 1);
            }
            result.Add(new TrainingImage(image, boxes.ToArray(), labels.ToArray()));
        }
        return result;
    }

    /// <summary>The ground truth of one validation image under the rule.</summary>
    public static IReadOnlyList<GroundTruthObject> GroundTruth(VocImage image, string difficult)
    {
        ArgumentNullException.ThrowIfNull(image);
        CheckMode(difficult);
        var result = new List<GroundTruthObject>(image.Objects.Count);
        for (int k = 0; k < image.Objects.Count; k++)
        {
            VocObject o = image.Objects[k];
            if (o.Difficult && difficult == "drop")
            {
                continue;
            }
            result.Add(new GroundTruthObject(o.Box.X1, o.Box.Y1, o.Box.X2, o.Box.Y2, image.ClassIndices[k], o.Difficult && difficult == "ignore"));
        }
        return result;
    }

    private static void CheckMode(string difficult)
    {
        if (!DifficultModes.Contains(difficult))
        {
            throw new UsageException($"data.difficult: '{difficult}' is not one of {string.Join(", ", DifficultModes)}");
        }
    }
}
