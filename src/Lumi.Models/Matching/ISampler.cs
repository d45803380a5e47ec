using static TorchSharp.torch;

namespace Lumi.Models.Matching;

/// <summary>
/// Chooses which matched anchors/proposals take part in a loss. Given per-image labels
/// (≥1 positive, 0 negative, −1 ignored), returns per-image byte masks of the positives and negatives chosen.
/// Tests replace the random sampler with one that replays torchvision's choices.
/// </summary>
public interface ISampler
{
    (Tensor[] Positive, Tensor[] Negative) Sample(IReadOnlyList<Tensor> labels);
}
