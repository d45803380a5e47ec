using Lumi.Data.Classes;

namespace Lumi.Models.Checkpoints.Store;

/// <summary>
/// How an index entry's torchvision <c>.pth</c> becomes a Lumi checkpoint on download (the importer's options): the
/// class list (a detector's; null for a backbone) and the frozen batch-norm epsilon (0 for torchvision's published
/// COCO detectors, whose builder overwrites it).
/// </summary>
public sealed record TorchvisionEntry(ClassList? Classes, double BatchNormEps);
