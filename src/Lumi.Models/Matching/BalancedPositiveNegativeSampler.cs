using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Models.Matching;

/// <summary>
/// Samples up to <c>batchSizePerImage</c> elements per image with at most <c>positiveFraction</c> positives,
/// filling the rest with negatives — torchvision's <c>BalancedPositiveNegativeSampler</c>.
/// </summary>
public sealed class BalancedPositiveNegativeSampler : ISampler
{
    private readonly int batchSizePerImage;
    private readonly double positiveFraction;
    private readonly Generator? generator;

    public BalancedPositiveNegativeSampler(int batchSizePerImage, double positiveFraction, Generator? generator = null)
    {
        this.batchSizePerImage = batchSizePerImage;
        this.positiveFraction = positiveFraction;
        this.generator = generator;
    }

    public (Tensor[] Positive, Tensor[] Negative) Sample(IReadOnlyList<Tensor> labels)
    {
        var pos = new Tensor[labels.Count];
        var neg = new Tensor[labels.Count];
        for (int i = 0; i < labels.Count; i++)
        {
            using var scope = NewDisposeScope();
            var l = labels[i];
            var positive = l.ge(1).nonzero().squeeze(1);
            var negative = l.eq(0).nonzero().squeeze(1);
            long numPos = Math.Min(positive.numel(), (long)(batchSizePerImage * positiveFraction));
            long numNeg = Math.Min(negative.numel(), batchSizePerImage - numPos);
            var posIdx = positive.index(randperm(positive.numel(), generator: generator, device: l.device)[..(int)numPos]);
            var negIdx = negative.index(randperm(negative.numel(), generator: generator, device: l.device)[..(int)numNeg]);
            pos[i] = zeros_like(l, ScalarType.Byte).index_fill_(0, posIdx, 1).MoveToOuterDisposeScope();
            neg[i] = zeros_like(l, ScalarType.Byte).index_fill_(0, negIdx, 1).MoveToOuterDisposeScope();
        }
        return (pos, neg);
    }
}
