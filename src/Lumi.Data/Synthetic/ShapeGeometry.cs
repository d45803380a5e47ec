namespace Lumi.Data.Synthetic;

/// <summary>
/// Which points belong to each <see cref="SyntheticShape"/>, in the shape's own frame: the shape fits the
/// square <c>[-1, 1]²</c> (v grows downwards, as image rows do).
/// </summary>
internal static class ShapeGeometry
{
    private static readonly (double U, double V)[] Triangle = Regular(3, -Math.PI / 2, 1.0);
    private static readonly (double U, double V)[] Hexagon = Regular(6, 0, 1.0);
    private static readonly (double U, double V)[] Star = StarPolygon(5, 1.0, 0.45);

    /// <summary>Largest rotation, in radians either way, drawn for the shape (none where rotating changes nothing or another shape would result).</summary>
    public static double MaxRotation(SyntheticShape shape) => shape switch
    {
        SyntheticShape.Circle or SyntheticShape.Ring => 0,
        SyntheticShape.Square or SyntheticShape.Diamond or SyntheticShape.Cross => 0.26,
        _ => 0.45,
    };

    public static bool Contains(SyntheticShape shape, double u, double v) => shape switch
    {
        SyntheticShape.Circle => u * u + v * v <= 1,
        SyntheticShape.Square => Math.Abs(u) <= 0.9 && Math.Abs(v) <= 0.9,
        SyntheticShape.Triangle => InPolygon(Triangle, u, v),
        SyntheticShape.Diamond => Math.Abs(u) / 0.65 + Math.Abs(v) <= 1,
        SyntheticShape.Hexagon => InPolygon(Hexagon, u, v),
        SyntheticShape.Star => InPolygon(Star, u, v),
        SyntheticShape.Cross => (Math.Abs(u) <= 0.3 && Math.Abs(v) <= 1) || (Math.Abs(v) <= 0.3 && Math.Abs(u) <= 1),
        SyntheticShape.Ring => u * u + v * v is >= 0.36 and <= 1,
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
    };

    /// <summary>Even–odd rule: a horizontal ray from the point crosses the outline an odd number of times.</summary>
    private static bool InPolygon((double U, double V)[] polygon, double u, double v)
    {
        bool inside = false;
        for (int i = 0, j = polygon.Length - 1; i < polygon.Length; j = i++)
        {
            (double ui, double vi) = polygon[i];
            (double uj, double vj) = polygon[j];
            if ((vi > v) != (vj > v) && u < (uj - ui) * (v - vi) / (vj - vi) + ui)
            {
                inside = !inside;
            }
        }
        return inside;
    }

    private static (double U, double V)[] Regular(int sides, double start, double radius)
    {
        var points = new (double, double)[sides];
        for (int i = 0; i < sides; i++)
        {
            double angle = start + 2 * Math.PI * i / sides;
            points[i] = (radius * Math.Cos(angle), radius * Math.Sin(angle));
        }
        return points;
    }

    private static (double U, double V)[] StarPolygon(int tips, double outer, double inner)
    {
        var points = new (double, double)[2 * tips];
        for (int i = 0; i < 2 * tips; i++)
        {
            double angle = -Math.PI / 2 + Math.PI * i / tips;
            double r = i % 2 == 0 ? outer : inner;
            points[i] = (r * Math.Cos(angle), r * Math.Sin(angle));
        }
        return points;
    }
}
