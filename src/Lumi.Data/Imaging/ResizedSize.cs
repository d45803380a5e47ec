namespace Lumi.Data.Imaging;

/// <summary>The size an image of <c>Width × Height</c> takes under a <see cref="ResizeRule"/>, and the scale that gave it.</summary>
public readonly record struct ResizedSize(int Width, int Height, double Scale);
