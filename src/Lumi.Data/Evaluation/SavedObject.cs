namespace Lumi.Data.Evaluation;

/// <summary>
/// One detection read from a predictions file, in continuous 0-based pixel coordinates (<c>shared/DESIGN.md</c> §5).
/// Exactly one of <see cref="ClassName"/> (JSON lines) and <see cref="Label"/> (COCO results, 1-based) is set.
/// </summary>
public sealed record SavedObject(double X1, double Y1, double X2, double Y2, string? ClassName, int? Label, double Score);
