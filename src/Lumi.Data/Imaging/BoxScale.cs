namespace Lumi.Data.Imaging;

/// <summary>
/// Per-axis factors that take boxes from one image size to another, computed in float32 as
/// torchvision's <c>resize_boxes</c> does (<c>new / old</c> per axis). Boxes are <c>x1, y1, x2, y2</c>.
/// </summary>
public readonly record struct BoxScale(float X, float Y)
{
    /// <summary>Factors from an image of <c>fromWidth × fromHeight</c> to one of <c>toWidth × toHeight</c>.</summary>
    public static BoxScale Between(int fromWidth, int fromHeight, int toWidth, int toHeight) =>
        new((float)toWidth / fromWidth, (float)toHeight / fromHeight);

    /// <summary>Scales boxes stored as consecutive <c>x1, y1, x2, y2</c> quadruples, in place.</summary>
    public void Apply(Span<float> boxes)
    {
        if (boxes.Length % 4 != 0)
        {
            throw new ArgumentException($"boxes come in fours (x1, y1, x2, y2), got {boxes.Length} values", nameof(boxes));
        }
        for (int i = 0; i < boxes.Length; i += 4)
        {
            boxes[i] *= X;
            boxes[i + 1] *= Y;
            boxes[i + 2] *= X;
            boxes[i + 3] *= Y;
        }
    }
}
