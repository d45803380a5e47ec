namespace Lumi.Data.Metrics;

/// <summary>One detection of an image, in Lumi's continuous 0-based pixel coordinates (<c>shared/DESIGN.md</c> §5).</summary>
/// <param name="ClassIndex">0-based index into the class names given to the evaluator (a model's 1-based label minus one).</param>
/// <param name="Score">Confidence; higher is better. Must be finite.</param>
public readonly record struct Detection(double X1, double Y1, double X2, double Y2, int ClassIndex, double Score)
{
    /// <summary><c>(X2 - X1) * (Y2 - Y1)</c>: continuous coordinates, no +1.</summary>
    public double Area => (X2 - X1) * (Y2 - Y1);
}
