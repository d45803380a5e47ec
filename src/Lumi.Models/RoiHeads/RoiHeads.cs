using Lumi.Models.FasterRcnn;
using Lumi.Models.Matching;
using Lumi.Models.Ops;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Models.RoiHeads;

/// <summary>
/// torchvision's <c>RoIHeads</c> for boxes: proposals are pooled (multi-scale RoIAlign), passed through the
/// two-layer MLP and the predictor; training samples proposals against ground truth and computes
/// <c>loss_classifier</c> and <c>loss_box_reg</c>; inference decodes per-class boxes, thresholds, NMS-es per class.
/// </summary>
public sealed partial class RoiHeads : nn.Module
{
    private readonly TwoMlpHead box_head;
    private readonly FastRcnnPredictor box_predictor;
    private readonly MultiScaleRoiAlign boxRoiPool;
    private readonly BoxCoder boxCoder;
    private readonly Matcher matcher;
    private readonly RoiHeadsOptions options;

    /// <param name="numClasses">Foreground classes; the predictor adds background at index 0.</param>
    public RoiHeads(long inChannels, int numClasses, RoiHeadsOptions options) : base(nameof(RoiHeads))
    {
        if (options.BoxCoderWeights.Length != 4)
            throw new ArgumentException($"model.roi_heads.box_coder_weights must have 4 values, not {options.BoxCoderWeights.Length}");
        this.options = options;
        boxRoiPool = new MultiScaleRoiAlign(options.PoolSize, options.SamplingRatio);
        box_head = new TwoMlpHead(inChannels * options.PoolSize * options.PoolSize, options.RepresentationSize);
        box_predictor = new FastRcnnPredictor(options.RepresentationSize, numClasses + 1);
        var w = options.BoxCoderWeights;
        boxCoder = new BoxCoder(w[0], w[1], w[2], w[3]);
        matcher = new Matcher(options.FgIouThreshold, options.BgIouThreshold, allowLowQualityMatches: false);
        Sampler = new BalancedPositiveNegativeSampler(options.BatchSizePerImage, options.PositiveFraction);
        RegisterComponents();
    }

    /// <summary>Chooses the proposals that enter the losses (tests inject torchvision's choices).</summary>
    public ISampler Sampler { get; set; }

    /// <summary>
    /// Which foreground classes (label − 1) may be detected; null: all. Placeholder classes (COCO's "N/A" slots)
    /// are switched off here, together with the score threshold, exactly where the exported graph drops them.
    /// </summary>
    public bool[]? EmittedClasses { get; set; }

    /// <summary>Overridable at inference (evaluation uses a low score threshold).</summary>
    public double ScoreThreshold { get; set; } = double.NaN;

    /// <summary>
    /// Detections per image (eval) or the two losses (training with targets).
    /// </summary>
    /// <param name="features">P2…P5 (P6 is not pooled).</param>
    public (Detections[] Detections, Dictionary<string, Tensor> Losses) Forward(
        Tensor[] features, Tensor[] proposals, IReadOnlyList<(long Height, long Width)> imageSizes,
        IReadOnlyList<Tensor>? targetBoxes = null, IReadOnlyList<Tensor>? targetLabels = null)
    {
        using var scope = NewDisposeScope();
        var losses = new Dictionary<string, Tensor>();
        bool train = training && targetBoxes is not null && targetLabels is not null;
        Tensor[]? labels = null, regressionTargets = null;
        if (train)
            (proposals, labels, regressionTargets) = SelectTrainingSamples(proposals, targetBoxes!, targetLabels!);

        var pooled = boxRoiPool.Forward(features, proposals, imageSizes);
        var (classLogits, boxRegression) = box_predictor.forward(box_head.forward(pooled));

        if (train)
        {
            var (lossClassifier, lossBoxReg) = FastRcnnLoss(classLogits, boxRegression, labels!, regressionTargets!);
            losses["loss_classifier"] = lossClassifier.MoveToOuterDisposeScope();
            losses["loss_box_reg"] = lossBoxReg.MoveToOuterDisposeScope();
            return (Array.Empty<Detections>(), losses);
        }

        var detections = PostprocessDetections(classLogits, boxRegression, proposals, imageSizes);
        foreach (var d in detections) d.MoveToOuterDisposeScope();
        return (detections, losses);
    }

    /// <summary>Adds the ground truth to the proposals, matches, samples, and encodes regression targets.</summary>
    private (Tensor[] Proposals, Tensor[] Labels, Tensor[] RegressionTargets) SelectTrainingSamples(
        Tensor[] proposals, IReadOnlyList<Tensor> gtBoxes, IReadOnlyList<Tensor> gtLabels)
    {
        int n = proposals.Length;
        var withGt = new Tensor[n];
        var matchedIdxs = new Tensor[n];
        var labels = new Tensor[n];
        for (int i = 0; i < n; i++)
        {
            var gt = gtBoxes[i].to(proposals[i].dtype);
            withGt[i] = cat(new[] { proposals[i], gt }, 0);
            if (gt.numel() == 0)
            {
                matchedIdxs[i] = zeros(withGt[i].shape[0], ScalarType.Int64, gt.device);
                labels[i] = zeros(withGt[i].shape[0], ScalarType.Int64, gt.device);
                continue;
            }
            var m = matcher.Match(Boxes.BoxIou(gt, withGt[i]));
            var clamped = m.clamp(min: 0);
            var l = gtLabels[i].index(clamped).to(ScalarType.Int64);
            l = l.masked_fill(m.eq(Matcher.BelowLowThreshold), 0);
            l = l.masked_fill(m.eq(Matcher.BetweenThresholds), -1);
            matchedIdxs[i] = clamped;
            labels[i] = l;
        }

        var (pos, neg) = Sampler.Sample(labels);
        var sampledProposals = new Tensor[n];
        var sampledLabels = new Tensor[n];
        var targets = new Tensor[n];
        for (int i = 0; i < n; i++)
        {
            var inds = pos[i].logical_or(neg[i]).nonzero().squeeze(1);
            sampledProposals[i] = withGt[i].index(inds);
            sampledLabels[i] = labels[i].index(inds);
            var gt = gtBoxes[i].to(proposals[i].dtype);
            if (gt.numel() == 0) gt = zeros(new long[] { 1, 4 }, gt.dtype, gt.device);
            var matchedGt = gt.index(matchedIdxs[i].index(inds));
            targets[i] = boxCoder.Encode(matchedGt, sampledProposals[i]);
        }
        return (sampledProposals, sampledLabels, targets);
    }

    /// <summary>Cross-entropy over sampled proposals; smooth-L1 (β = 1/9) on the true class's deltas, divided by the number sampled.</summary>
    private static (Tensor Classifier, Tensor BoxReg) FastRcnnLoss(Tensor classLogits, Tensor boxRegression, Tensor[] labels, Tensor[] regressionTargets)
    {
        var allLabels = cat(labels, 0);
        var allTargets = cat(regressionTargets, 0);
        var classification = nn.functional.cross_entropy(classLogits, allLabels);
        var posInds = allLabels.gt(0).nonzero().squeeze(1);
        var labelsPos = allLabels.index(posInds);
        long numRois = classLogits.shape[0];
        var deltas = boxRegression.reshape(numRois, boxRegression.shape[^1] / 4, 4);
        var boxLoss = nn.functional.smooth_l1_loss(deltas.index(posInds, labelsPos), allTargets.index(posInds),
            reduction: nn.Reduction.Sum, beta: 1.0 / 9) / allLabels.numel();
        return (classification, boxLoss);
    }

    private Detections[] PostprocessDetections(Tensor classLogits, Tensor boxRegression, Tensor[] proposals,
        IReadOnlyList<(long Height, long Width)> imageSizes)
    {
        long numClasses = classLogits.shape[^1];
        var predBoxes = boxCoder.Decode(boxRegression, cat(proposals, 0)).reshape(-1, numClasses, 4);
        var predScores = nn.functional.softmax(classLogits, -1);
        long[] counts = proposals.Select(p => p.shape[0]).ToArray();
        var boxesPerImage = predBoxes.split(counts, 0);
        var scoresPerImage = predScores.split(counts, 0);
        double scoreThreshold = double.IsNaN(ScoreThreshold) ? options.ScoreThreshold : ScoreThreshold;

        var results = new Detections[proposals.Length];
        for (int i = 0; i < proposals.Length; i++)
        {
            var boxes = Boxes.ClipBoxesToImage(boxesPerImage[i], imageSizes[i].Height, imageSizes[i].Width);
            var scores = scoresPerImage[i];
            var labels = arange(numClasses, ScalarType.Int64, scores.device).view(1, -1).expand_as(scores);
            // Background (class 0) is never a detection.
            boxes = boxes[.., 1..].reshape(-1, 4);
            scores = scores[.., 1..].reshape(-1);
            labels = labels[.., 1..].reshape(-1);
            var candidates = scores.gt(scoreThreshold);
            if (EmittedClasses is { } emitted)
                candidates = candidates.logical_and(tensor(emitted, device: scores.device).index(labels - 1));
            var keep = candidates.nonzero().squeeze(1);
            boxes = boxes.index(keep); scores = scores.index(keep); labels = labels.index(keep);
            keep = Boxes.RemoveSmallBoxes(boxes, 1e-2);
            boxes = boxes.index(keep); scores = scores.index(keep); labels = labels.index(keep);
            keep = NonMaxSuppression.BatchedNms(boxes, scores, labels, options.NmsThreshold);
            long k = Math.Min(keep.shape[0], options.DetectionsPerImage);
            keep = keep[..(int)k];
            results[i] = new Detections(boxes.index(keep), scores.index(keep), labels.index(keep));
        }
        return results;
    }
}
