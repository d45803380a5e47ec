using System.ComponentModel.DataAnnotations;

namespace Lumi.Models.FasterRcnn;

/// <summary>
/// The <c>model</c> section of the configuration. Defaults are torchvision's
/// <c>fasterrcnn_resnet50_fpn</c> (v1); <c>configs/fasterrcnn/base.yml</c> mirrors this record key for key
/// (property <c>NmsThreshold</c> is YAML key <c>nms_threshold</c>).
/// </summary>
public sealed record FasterRcnnOptions
{
    /// <summary>
    /// Foreground classes, the length of the class list (COCO: 90 slots, "N/A" placeholders included).
    /// The predictor has one more output, background at index 0: torchvision's <c>num_classes</c> is this + 1.
    /// </summary>
    [Range(1, 10000)] public int NumClasses { get; init; } = 90;
    public TransformOptions Transform { get; init; } = new();
    public BackboneOptions Backbone { get; init; } = new();
    public RpnOptions Rpn { get; init; } = new();
    public RoiHeadsOptions RoiHeads { get; init; } = new();
}

/// <summary>The resize rule and normalization (torchvision's GeneralizedRCNNTransform).</summary>
public sealed record TransformOptions
{
    [Range(1, 10000)] public int MinSize { get; init; } = 800;
    [Range(1, 10000)] public int MaxSize { get; init; } = 1333;
    [Range(1, 1024)] public int SizeDivisible { get; init; } = 32;
    public double[] ImageMean { get; init; } = { 0.485, 0.456, 0.406 };
    public double[] ImageStd { get; init; } = { 0.229, 0.224, 0.225 };
}

public sealed record BackboneOptions
{
    /// <summary>
    /// The ResNet: torchvision's four, or <c>resnet18_cntk</c> (CNTK's ResNet-18: blocks 2, 2, 2, 3, strided windows
    /// padded one less after; ImageNet weights bundled, see <see cref="Backbones.CntkResNet18"/>).
    /// </summary>
    [AllowedValues("resnet18", "resnet34", "resnet50", "resnet101", "resnet18_cntk")]
    public string Name { get; init; } = "resnet50";
    /// <summary>
    /// Backbone weights a new model starts from (<see cref="FasterRcnn.LoadPretrainedBackbone"/>): <c>none</c>;
    /// <c>imagenet</c>, the weights bundled with Lumi for the backbone (<c>resnet18_cntk</c> only); or a file —
    /// torchvision ImageNet weights (<c>.pth</c>, <c>.safetensors</c>) or, for <c>resnet18_cntk</c>, CNTK's <c>ResNet18.onnx</c>.
    /// </summary>
    public string Pretrained { get; init; } = "none";
    /// <summary>Frozen batch norm (statistics and affine fixed), as torchvision uses with pretrained weights.</summary>
    public bool FrozenBatchNorm { get; init; } = true;
    /// <summary>Batch-norm epsilon; torchvision's published COCO detection weights use 0.</summary>
    [Range(0.0, 1.0)] public double BatchNormEps { get; init; } = 1e-5;
    /// <summary>How many of layer4, layer3, layer2, layer1, conv1 train (torchvision: 3 with pretrained weights, 5 from scratch).</summary>
    [Range(0, 5)] public int TrainableLayers { get; init; } = 3;
    [Range(1, 4096)] public int FpnChannels { get; init; } = 256;
}

public sealed record RpnOptions
{
    public int[] AnchorSizes { get; init; } = { 32, 64, 128, 256, 512 };
    public double[] AspectRatios { get; init; } = { 0.5, 1.0, 2.0 };
    public TrainTest<int> PreNmsTopN { get; init; } = new(2000, 1000);
    public TrainTest<int> PostNmsTopN { get; init; } = new(2000, 1000);
    [Range(0.0, 1.0)] public double NmsThreshold { get; init; } = 0.7;
    [Range(0.0, 1.0)] public double ScoreThreshold { get; init; } = 0.0;
    [Range(0.0, 1e6)] public double MinSize { get; init; } = 1e-3;
    [Range(0.0, 1.0)] public double FgIouThreshold { get; init; } = 0.7;
    [Range(0.0, 1.0)] public double BgIouThreshold { get; init; } = 0.3;
    [Range(1, 100000)] public int BatchSizePerImage { get; init; } = 256;
    [Range(0.0, 1.0)] public double PositiveFraction { get; init; } = 0.5;
}

public sealed record RoiHeadsOptions
{
    [Range(1, 64)] public int PoolSize { get; init; } = 7;
    [Range(0, 64)] public int SamplingRatio { get; init; } = 2;
    [Range(1, 65536)] public int RepresentationSize { get; init; } = 1024;
    [Range(0.0, 1.0)] public double FgIouThreshold { get; init; } = 0.5;
    [Range(0.0, 1.0)] public double BgIouThreshold { get; init; } = 0.5;
    [Range(1, 100000)] public int BatchSizePerImage { get; init; } = 512;
    [Range(0.0, 1.0)] public double PositiveFraction { get; init; } = 0.25;
    public double[] BoxCoderWeights { get; init; } = { 10.0, 10.0, 5.0, 5.0 };
    [Range(0.0, 1.0)] public double ScoreThreshold { get; init; } = 0.05;
    [Range(0.0, 1.0)] public double NmsThreshold { get; init; } = 0.5;
    [Range(1, 100000)] public int DetectionsPerImage { get; init; } = 100;
}

/// <summary>A setting that differs between training and testing (torchvision's dict(training=…, testing=…)).</summary>
public sealed record TrainTest<T>(T Train, T Test)
{
    public T For(bool training) => training ? Train : Test;
}
