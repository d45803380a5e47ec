using Lumi.Data.Metrics;

namespace Lumi.Data.Tests.Metrics;

/// <summary>Short constructors for hand-written evaluation cases.</summary>
internal static class Cases
{
    public static GroundTruthObject Gt(double x1, double y1, double x2, double y2, int cls = 0, bool difficult = false) =>
        new(x1, y1, x2, y2, cls, difficult);

    public static Detection Det(double x1, double y1, double x2, double y2, double score, int cls = 0) =>
        new(x1, y1, x2, y2, cls, score);

    public static EvaluationImage Image(string id, GroundTruthObject[] gt, params Detection[] detections) => new(id, gt, detections);

    public static readonly string[] OneClass = ["cat"];

    public static EvaluationResult Evaluate(params EvaluationImage[] images) => DetectionEvaluator.Evaluate(images, OneClass);
}
