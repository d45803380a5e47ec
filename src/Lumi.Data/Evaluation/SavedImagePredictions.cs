namespace Lumi.Data.Evaluation;

/// <summary>The detections a predictions file holds for one image, found by its file stem.</summary>
/// <param name="Stem">The image's file name without folder and extension (or a COCO <c>image_id</c>).</param>
/// <param name="Where">Where it was read, for messages: <c>FILE:LINE</c>.</param>
/// <param name="Error">The error <c>lumi predict</c> recorded for the image (then <paramref name="Objects"/> is empty).</param>
/// <param name="NumericId">A COCO integer <c>image_id</c>, matched to an annotation id with the same integer value when no id equals <paramref name="Stem"/>.</param>
public sealed record SavedImagePredictions(string Stem, string Where, IReadOnlyList<SavedObject> Objects, string? Error = null, long? NumericId = null);
