namespace Lumi.Models.Checkpoints;

/// <summary>The dataset a checkpoint was trained on (<c>coco</c> for torchvision's COCO weights).</summary>
public sealed record CheckpointDataset(string Name, int NumClasses);
