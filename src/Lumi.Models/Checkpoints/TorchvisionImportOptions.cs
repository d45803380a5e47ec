using Lumi.Data.Classes;

namespace Lumi.Models.Checkpoints;

/// <summary>How a torchvision Faster R-CNN state dict becomes a Lumi checkpoint.</summary>
public sealed record TorchvisionImportOptions
{
    /// <summary>torchvision's builder name: <c>fasterrcnn_resnet50_fpn</c> (also resnet18/34/101 variants).</summary>
    public string Arch { get; init; } = "fasterrcnn_resnet50_fpn";

    /// <summary>The class list; null means COCO's 90 slots when the weights have 91 outputs.</summary>
    public ClassList? Classes { get; init; }

    /// <summary>Frozen batch-norm epsilon; torchvision's published COCO weights need 0 (their builder overwrites it).</summary>
    public double BatchNormEps { get; init; }

    /// <summary>The new checkpoint's id (default: a new random one).</summary>
    public string? Id { get; init; }

    public string? Name { get; init; }
    public string? Alias { get; init; }
    public string? Description { get; init; }

    /// <summary>The dataset name written into the checkpoint (<c>coco</c> for the COCO preset).</summary>
    public string? Dataset { get; init; }
}
