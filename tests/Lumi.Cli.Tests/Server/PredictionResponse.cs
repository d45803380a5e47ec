namespace Lumi.Cli.Tests.Server;

/// <summary>The answer of <c>POST /api/predict</c> as the tests read it: one line of <c>lumi predict</c>'s JSON (shared/DESIGN.md §5).</summary>
public sealed record PredictionResponse(string File, int Width, int Height, IReadOnlyList<PredictedObject> Objects);

/// <summary>One object of <see cref="PredictionResponse"/>: <c>{"bbox": [x1, y1, x2, y2], "label", "prob"}</c>.</summary>
public sealed record PredictedObject(double[] Bbox, string Label, double Prob);
