using Lumi.Inference;

namespace Lumi.Server;

/// <summary>One object of a prediction in Luminoth's schema (shared/DESIGN.md §5): <c>{"bbox": [x1, y1, x2, y2], "label": "cat", "prob": 0.97}</c>,
/// the box in the original image's pixels (0-based, continuous).</summary>
public sealed record PredictedObject(float[] Bbox, string Label, float Prob)
{
    public static PredictedObject From(Detection detection) =>
        new([detection.X1, detection.Y1, detection.X2, detection.Y2], detection.ClassName, detection.Score);
}
