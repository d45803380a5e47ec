namespace Lumi.Data.Synthetic;

/// <summary>
/// What <see cref="SyntheticVoc.Write"/> draws. Sizes of objects are fractions of the image's shorter side
/// (the extent of the shape before rotation); the test split takes what train and val leave.
/// </summary>
public sealed record SyntheticVocOptions
{
    /// <summary>Number of images.</summary>
    public int Images { get; init; } = 300;

    /// <summary>Class names; a name that is a <see cref="SyntheticShape"/> (e.g. <c>circle</c>) gets that shape.</summary>
    public IReadOnlyList<string> Classes { get; init; } = ["circle", "square", "triangle"];

    /// <summary>Seed: the same seed and options give the same files, byte for byte.</summary>
    public int Seed { get; init; }

    public int Width { get; init; } = 320;
    public int Height { get; init; } = 320;

    /// <summary>Fractions of the images listed in <c>train.txt</c> and <c>val.txt</c>; the rest go to <c>test.txt</c>.</summary>
    public double TrainFraction { get; init; } = 0.7;
    public double ValFraction { get; init; } = 0.15;

    /// <summary>Annotated objects per image (fewer when a placement that keeps every object mostly visible cannot be found).</summary>
    public int MinObjects { get; init; } = 1;
    public int MaxObjects { get; init; } = 4;

    /// <summary>Object size range as a fraction of the shorter image side (drawn log-uniformly).</summary>
    public double MinScale { get; init; } = 0.08;
    public double MaxScale { get; init; } = 0.38;

    /// <summary>Probability that an image also holds one tiny object (half of <see cref="MinScale"/> or less), marked difficult.</summary>
    public double TinyObjectProbability { get; init; } = 0.15;

    /// <summary>Objects whose visible box has a longer side below this fraction of the shorter image side are marked <c>difficult</c>.</summary>
    public double DifficultBelow { get; init; } = 0.06;

    /// <summary>JPEG quality (1–100).</summary>
    public int JpegQuality { get; init; } = 90;

    /// <summary>Most classes: eight shapes times eight colours.</summary>
    public const int MaxClasses = 64;
}
