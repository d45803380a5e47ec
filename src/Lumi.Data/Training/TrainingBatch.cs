using Lumi.Data.Imaging;

namespace Lumi.Data.Training;

/// <summary>
/// One batch ready for the model: augmented, resized images packed into a zero-padded buffer, with each image's boxes
/// (<c>N×4</c>, in the batch's pixels) and 1-based labels. <see cref="Images"/> is null when every image of the batch
/// failed to decode (the trainer skips such a batch).
/// </summary>
public sealed record TrainingBatch(int Epoch, int Index, IReadOnlyList<string> Ids, PaddedBatch? Images, IReadOnlyList<float[]> Boxes, IReadOnlyList<int[]> Labels)
{
    public int Count => Ids.Count;
}
