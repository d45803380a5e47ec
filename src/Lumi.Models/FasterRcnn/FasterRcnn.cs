using Lumi.Models.Backbones;
using Lumi.Models.Rpn;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Models.FasterRcnn;

/// <summary>
/// Faster R-CNN with a ResNet-FPN backbone, torchvision's <c>FasterRCNN</c> (v1) module for module and
/// key for key (<c>backbone.*</c>, <c>rpn.*</c>, <c>roi_heads.*</c>). The pipeline reads as four calls:
/// <see cref="Transform"/> → backbone → rpn → roi_heads.
/// Resizing happens outside (the one resize rule in Lumi.Data); the model takes a padded batch in [0, 1].
/// </summary>
public sealed partial class FasterRcnn : nn.Module
{
    private readonly BackboneWithFpn backbone;
    private readonly RegionProposalNetwork rpn;
    private readonly RoiHeads.RoiHeads roi_heads;
    private readonly Tensor imageMean;
    private readonly Tensor imageStd;

    public FasterRcnn(FasterRcnnOptions options) : base(nameof(FasterRcnn))
    {
        Options = options;
        if (options.Transform.ImageMean.Length != 3 || options.Transform.ImageStd.Length != 3)
            throw new ArgumentException("model.transform.image_mean and image_std must have 3 values (R, G, B)");
        if (options.Backbone.Name == CntkResNet18.Name && options.Transform.SizeDivisible % 32 != 0)
        {
            throw new Lumi.Data.Errors.UsageException(
                $"model.transform.size_divisible must be a multiple of 32 with model.backbone.name {CntkResNet18.Name}, not {options.Transform.SizeDivisible}: " +
                "its strided convolutions and their shortcuts only agree in size on such sides");
        }
        backbone = new BackboneWithFpn(options.Backbone);
        rpn = new RegionProposalNetwork(backbone.OutChannels, options.Rpn);
        roi_heads = new RoiHeads.RoiHeads(backbone.OutChannels, options.NumClasses, options.RoiHeads);
        RegisterComponents();
        // Not buffers: they are configuration, not weights, and stay out of the state dict.
        imageMean = tensor(options.Transform.ImageMean).reshape(1, 3, 1, 1);
        imageStd = tensor(options.Transform.ImageStd).reshape(1, 3, 1, 1);
    }

    public FasterRcnnOptions Options { get; }

    public BackboneWithFpn Backbone => backbone;

    public RegionProposalNetwork Rpn => rpn;

    public RoiHeads.RoiHeads RoiHeads => roi_heads;

    /// <summary>
    /// Normalizes with the ImageNet mean/std, then zeroes the padding and pads the batch to a multiple of
    /// <c>size_divisible</c> — torchvision normalizes each image and pads after normalizing.
    /// </summary>
    public Tensor Transform(Tensor images, IReadOnlyList<(long Height, long Width)> imageSizes)
    {
        if (images.dim() != 4 || images.shape[1] != 3)
            throw new ArgumentException($"images must be [N, 3, H, W], not [{string.Join(", ", images.shape)}]");
        if (imageSizes.Count != images.shape[0])
            throw new ArgumentException($"{imageSizes.Count} image sizes given for a batch of {images.shape[0]}");
        using var scope = NewDisposeScope();
        long n = images.shape[0], h = images.shape[2], w = images.shape[3];
        var mean = imageMean.to(images.dtype, images.device);
        var std = imageStd.to(images.dtype, images.device);
        var normalized = (images - mean) / std;

        long d = Options.Transform.SizeDivisible;
        long ph = (h + d - 1) / d * d, pw = (w + d - 1) / d * d;
        var mask = zeros(new[] { n, 1, ph, pw }, images.dtype, images.device);
        for (int i = 0; i < n; i++)
        {
            var (ih, iw) = imageSizes[i];
            if (ih > h || iw > w || ih <= 0 || iw <= 0)
                throw new ArgumentException($"image {i}: size {ih}×{iw} does not fit the {h}×{w} batch");
            mask[i, .., ..(int)ih, ..(int)iw] = 1;
        }
        if (ph != h || pw != w)
            normalized = nn.functional.pad(normalized, new[] { 0L, pw - w, 0, ph - h });
        return (normalized * mask).MoveToOuterDisposeScope();
    }

    /// <summary>Detections per image, in the coordinates of the input tensor.</summary>
    public Detections[] Detect(Tensor images, IReadOnlyList<(long Height, long Width)> imageSizes)
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = Transform(images, imageSizes);
        var features = backbone.forward(x);
        var (proposals, _) = rpn.Forward(features, (x.shape[2], x.shape[3]), imageSizes);
        var (detections, _) = roi_heads.Forward(features[..^1], proposals, imageSizes);
        foreach (var det in detections) det.MoveToOuterDisposeScope();
        return detections;
    }

    /// <summary>
    /// The four training losses (<c>loss_objectness</c>, <c>loss_rpn_box_reg</c>, <c>loss_classifier</c>,
    /// <c>loss_box_reg</c>) for a batch with ground truth: boxes [K, 4] in input pixels and labels [K] (1-based).
    /// </summary>
    public Dictionary<string, Tensor> ComputeLosses(Tensor images, IReadOnlyList<(long Height, long Width)> imageSizes,
        IReadOnlyList<Tensor> targetBoxes, IReadOnlyList<Tensor> targetLabels)
    {
        if (!training) throw new InvalidOperationException("ComputeLosses needs the model in training mode (call train())");
        using var scope = NewDisposeScope();
        var x = Transform(images, imageSizes);
        var features = backbone.forward(x);
        var (proposals, rpnLosses) = rpn.Forward(features, (x.shape[2], x.shape[3]), imageSizes, targetBoxes);
        var (_, roiLosses) = roi_heads.Forward(features[..^1], proposals, imageSizes, targetBoxes, targetLabels);
        var losses = new Dictionary<string, Tensor>();
        foreach (var (k, v) in roiLosses.Concat(rpnLosses)) losses[k] = v.MoveToOuterDisposeScope();
        return losses;
    }
}
