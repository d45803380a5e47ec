namespace Lumi.Models.Checkpoints;

/// <summary>What a checkpoint's weights are: a whole detector, or a classification backbone to train a detector from.</summary>
public enum CheckpointKind
{
    /// <summary>A Faster R-CNN: predicts, exports, evaluates, fine-tunes.</summary>
    Detector,

    /// <summary>
    /// ImageNet classification weights (torchvision's <c>resnet*.pth</c> keys, <c>fc.*</c> included) for training a
    /// detector's backbone from them; not usable for prediction.
    /// </summary>
    Backbone,
}
