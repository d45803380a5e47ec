namespace Lumi.Data.Metrics;

/// <summary>
/// The ground truth and the detections of one image. The order of images given to the evaluator, and the order of
/// detections within an image, decide ties between equal scores (earlier first), so keep them deterministic.
/// </summary>
/// <param name="Id">A name for messages and curves (the annotation id or file stem); not used for matching.</param>
public sealed record EvaluationImage(string Id, IReadOnlyList<GroundTruthObject> GroundTruth, IReadOnlyList<Detection> Detections);
