namespace Lumi.Data.Imaging;

/// <summary>The size an image takes under a <see cref="ResizeRule"/>, and the scale that gave it (a float32 value, as torchvision computes it).</summary>
public readonly record struct ResizedSize(int Width, int Height, double Scale);
