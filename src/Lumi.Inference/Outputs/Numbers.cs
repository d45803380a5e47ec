using System.Globalization;

namespace Lumi.Inference.Outputs;

/// <summary>
/// How every text format writes numbers: coordinates to 2 decimals, probabilities to 4 (invariant culture, shortest
/// form), so that JSON lines, COCO and CSV written for the same images hold the same values.
/// </summary>
public static class Numbers
{
    public static double Coordinate(float value) => Math.Round((double)value, 2, MidpointRounding.AwayFromZero);

    public static double Probability(float value) => Math.Round((double)value, 4, MidpointRounding.AwayFromZero);

    /// <summary>A width or height from two rounded coordinates (rounded again, so no float noise is printed).</summary>
    public static double Extent(float from, float to) => Math.Round(Coordinate(to) - Coordinate(from), 2, MidpointRounding.AwayFromZero);

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
