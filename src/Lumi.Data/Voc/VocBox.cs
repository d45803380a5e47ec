namespace Lumi.Data.Voc;

/// <summary>
/// A box in Lumi's continuous 0-based pixel coordinates (shared/DESIGN.md §5). A VOC box
/// <c>xmin..xmax</c> (1-based, inclusive) is <c>X1 = xmin − 1, X2 = xmax</c>. Stored as float32, the
/// network's type, so that <see cref="VocAnnotationFile"/> writes and reads back every box exactly.
/// </summary>
public readonly record struct VocBox(float X1, float Y1, float X2, float Y2)
{
    public float Width => X2 - X1;
    public float Height => Y2 - Y1;

    /// <summary>Whether the box covers no area (<c>X2 ≤ X1</c> or <c>Y2 ≤ Y1</c>).</summary>
    public bool IsEmpty => !(X2 > X1 && Y2 > Y1);

    /// <summary>The box cut to the image <c>[0, width] × [0, height]</c>.</summary>
    public VocBox ClipTo(int width, int height) =>
        new(Math.Clamp(X1, 0, width), Math.Clamp(Y1, 0, height), Math.Clamp(X2, 0, width), Math.Clamp(Y2, 0, height));
}
