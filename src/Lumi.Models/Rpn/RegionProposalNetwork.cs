using Lumi.Models.FasterRcnn;
using Lumi.Models.Matching;
using Lumi.Models.Ops;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Models.Rpn;

/// <summary>
/// torchvision's <c>RegionProposalNetwork</c>: objectness and box deltas for every anchor, decoded,
/// filtered per level (top-n), clipped, cleaned of tiny boxes and NMS-ed per image and level;
/// in training, anchors are matched to ground truth and the two RPN losses computed.
/// </summary>
public sealed partial class RegionProposalNetwork : nn.Module
{
    private readonly RpnHead head;
    private readonly AnchorGenerator anchorGenerator;
    private readonly BoxCoder boxCoder;
    private readonly Matcher matcher;
    private readonly RpnOptions options;

    public RegionProposalNetwork(long inChannels, RpnOptions options) : base(nameof(RegionProposalNetwork))
    {
        if (options.AnchorSizes.Length == 0 || options.AspectRatios.Length == 0)
            throw new ArgumentException("model.rpn.anchor_sizes and model.rpn.aspect_ratios must not be empty");
        this.options = options;
        anchorGenerator = new AnchorGenerator(options.AnchorSizes.Select(s => new double[] { s }).ToArray(), options.AspectRatios);
        head = new RpnHead(inChannels, anchorGenerator.NumAnchorsPerLocation);
        boxCoder = new BoxCoder(1, 1, 1, 1);
        matcher = new Matcher(options.FgIouThreshold, options.BgIouThreshold, allowLowQualityMatches: true);
        Sampler = new BalancedPositiveNegativeSampler(options.BatchSizePerImage, options.PositiveFraction);
        RegisterComponents();
    }

    /// <summary>Chooses the anchors that enter the losses (tests inject torchvision's choices).</summary>
    public ISampler Sampler { get; set; }

    public AnchorGenerator Anchors => anchorGenerator;

    /// <summary>
    /// Proposals per image ([≤ post_nms_top_n, 4], no gradient) and, when training with targets, the losses
    /// <c>loss_objectness</c> and <c>loss_rpn_box_reg</c>.
    /// </summary>
    /// <param name="features">P2…P6 of the padded batch.</param>
    /// <param name="paddedSize">Height and width of the padded batch tensor.</param>
    /// <param name="imageSizes">Each image's (height, width) before padding.</param>
    /// <param name="targetBoxes">Ground-truth boxes per image (training only).</param>
    public (Tensor[] Proposals, Dictionary<string, Tensor> Losses) Forward(
        Tensor[] features, (long Height, long Width) paddedSize, IReadOnlyList<(long Height, long Width)> imageSizes,
        IReadOnlyList<Tensor>? targetBoxes = null)
    {
        using var scope = NewDisposeScope();
        long numImages = features[0].shape[0];
        var (objectnessLevels, deltaLevels) = head.forward(features);
        var grid = features.Select(f => (f.shape[2], f.shape[3])).ToList();
        var anchors = anchorGenerator.Generate(grid, paddedSize.Height, paddedSize.Width, features[0].dtype, features[0].device);
        long[] anchorsPerLevel = objectnessLevels.Select(o => o.shape[1] * o.shape[2] * o.shape[3]).ToArray();

        var (objectness, deltas) = ConcatBoxPredictionLayers(objectnessLevels, deltaLevels);
        var proposals = boxCoder.Decode(deltas.detach(), anchors.repeat(numImages, 1)).view(numImages, -1, 4);
        var boxes = FilterProposals(proposals, objectness, imageSizes, anchorsPerLevel);

        var losses = new Dictionary<string, Tensor>();
        if (training && targetBoxes is not null)
        {
            var (labels, matchedGtBoxes) = AssignTargetsToAnchors(anchors, targetBoxes);
            var regressionTargets = boxCoder.Encode(cat(matchedGtBoxes, 0), anchors.repeat(numImages, 1));
            var (lossObjectness, lossBoxReg) = ComputeLoss(objectness, deltas, labels, regressionTargets);
            losses["loss_objectness"] = lossObjectness.MoveToOuterDisposeScope();
            losses["loss_rpn_box_reg"] = lossBoxReg.MoveToOuterDisposeScope();
        }
        foreach (var b in boxes) b.MoveToOuterDisposeScope();
        return (boxes, losses);
    }

    /// <summary>[N, A·C, H, W] per level → one [N·ΣHWA, C] tensor, location-major then anchor, as torchvision orders them.</summary>
    private static (Tensor Objectness, Tensor Deltas) ConcatBoxPredictionLayers(Tensor[] objectness, Tensor[] deltas)
    {
        var cls = new List<Tensor>();
        var reg = new List<Tensor>();
        for (int i = 0; i < objectness.Length; i++)
        {
            cls.Add(PermuteAndFlatten(objectness[i], 1));
            reg.Add(PermuteAndFlatten(deltas[i], 4));
        }
        return (cat(cls, 1).flatten(0, -2), cat(reg, 1).reshape(-1, 4));
    }

    private static Tensor PermuteAndFlatten(Tensor layer, long c)
    {
        long n = layer.shape[0], h = layer.shape[2], w = layer.shape[3];
        long a = layer.shape[1] / c;
        return layer.view(n, a, c, h, w).permute(0, 3, 4, 1, 2).reshape(n, -1, c);
    }

    private Tensor[] FilterProposals(Tensor proposals, Tensor objectness, IReadOnlyList<(long Height, long Width)> imageSizes, long[] anchorsPerLevel)
    {
        long numImages = proposals.shape[0];
        var scores = objectness.detach().reshape(numImages, -1);
        var levels = cat(anchorsPerLevel.Select((n, i) => full(new[] { n }, i, ScalarType.Int64, scores.device)).ToList(), 0)
            .reshape(1, -1).expand_as(scores);

        // Top-n per level (k = min(pre_nms_top_n, anchors of that level)).
        var topIndices = new List<Tensor>();
        long offset = 0;
        var perLevel = scores.split(anchorsPerLevel, 1);
        for (int i = 0; i < perLevel.Length; i++)
        {
            long k = Math.Min(options.PreNmsTopN.For(training), anchorsPerLevel[i]);
            var (_, idx) = perLevel[i].topk((int)k, dim: 1);
            topIndices.Add(idx + offset);
            offset += anchorsPerLevel[i];
        }
        var top = cat(topIndices, 1);
        var batchIdx = arange(numImages, ScalarType.Int64, scores.device).unsqueeze(1);
        scores = scores.index(batchIdx, top).sigmoid();
        levels = levels.index(batchIdx, top);
        proposals = proposals.index(batchIdx, top);

        var result = new Tensor[numImages];
        for (int i = 0; i < numImages; i++)
        {
            var boxes = Boxes.ClipBoxesToImage(proposals[i], imageSizes[i].Height, imageSizes[i].Width);
            var s = scores[i];
            var lvl = levels[i];
            var keep = Boxes.RemoveSmallBoxes(boxes, options.MinSize);
            boxes = boxes.index(keep); s = s.index(keep); lvl = lvl.index(keep);
            keep = s.ge(options.ScoreThreshold).nonzero().squeeze(1);
            boxes = boxes.index(keep); s = s.index(keep); lvl = lvl.index(keep);
            keep = NonMaxSuppression.BatchedNms(boxes, s, lvl, options.NmsThreshold);
            long n = Math.Min(keep.shape[0], options.PostNmsTopN.For(training));
            result[i] = boxes.index(keep[..(int)n]);
        }
        return result;
    }

    /// <summary>Per image: anchor labels (1 object, 0 background, −1 ignored) and the matched ground-truth box of each anchor.</summary>
    public (Tensor[] Labels, Tensor[] MatchedGtBoxes) AssignTargetsToAnchors(Tensor anchors, IReadOnlyList<Tensor> targetBoxes)
    {
        var labels = new Tensor[targetBoxes.Count];
        var matched = new Tensor[targetBoxes.Count];
        for (int i = 0; i < targetBoxes.Count; i++)
        {
            using var scope = NewDisposeScope();
            var gt = targetBoxes[i];
            if (gt.numel() == 0)
            {
                matched[i] = zeros_like(anchors).MoveToOuterDisposeScope();
                labels[i] = zeros(anchors.shape[0], ScalarType.Float32, anchors.device).MoveToOuterDisposeScope();
                continue;
            }
            var matchedIdxs = matcher.Match(Boxes.BoxIou(gt, anchors));
            matched[i] = gt.index(matchedIdxs.clamp(min: 0)).MoveToOuterDisposeScope();
            var l = matchedIdxs.ge(0).to(ScalarType.Float32);
            l = l.masked_fill(matchedIdxs.eq(Matcher.BelowLowThreshold), 0.0);
            l = l.masked_fill(matchedIdxs.eq(Matcher.BetweenThresholds), -1.0);
            labels[i] = l.MoveToOuterDisposeScope();
        }
        return (labels, matched);
    }

    /// <summary>Binary cross-entropy over sampled anchors; smooth-L1 (β = 1/9) over positives, divided by the number sampled.</summary>
    private (Tensor Objectness, Tensor BoxReg) ComputeLoss(Tensor objectness, Tensor deltas, Tensor[] labels, Tensor regressionTargets)
    {
        var (pos, neg) = Sampler.Sample(labels);
        var sampledPos = cat(pos, 0).nonzero().squeeze(1);
        var sampledNeg = cat(neg, 0).nonzero().squeeze(1);
        var sampled = cat(new[] { sampledPos, sampledNeg }, 0);
        var allLabels = cat(labels, 0);
        var boxLoss = nn.functional.smooth_l1_loss(deltas.index(sampledPos), regressionTargets.index(sampledPos),
            reduction: nn.Reduction.Sum, beta: 1.0 / 9) / sampled.numel();
        var objLoss = nn.functional.binary_cross_entropy_with_logits(objectness.flatten().index(sampled),
            allLabels.index(sampled).to(objectness.dtype));
        return (objLoss, boxLoss);
    }
}
