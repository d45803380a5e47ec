namespace Lumi.Server;

/// <summary>
/// The answer of <c>POST /api/predict</c>: one line of <c>lumi predict</c>'s JSON (shared/DESIGN.md §5) for the uploaded image —
/// its file name as sent, its size after EXIF orientation, and the objects, the most probable first.
/// </summary>
public sealed record PredictionResponse(string File, int Width, int Height, IReadOnlyList<PredictedObject> Objects);
