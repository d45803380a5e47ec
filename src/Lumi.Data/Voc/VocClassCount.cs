namespace Lumi.Data.Voc;

/// <summary>Objects of one class in a checked dataset (after clipping, as the reader keeps them) and the images that hold any.</summary>
public sealed record VocClassCount(string Name, int Objects, int Difficult, int Truncated, int Images);
