using Lumi.Data.Imaging;

namespace Lumi.Inference.Pipeline;

/// <summary>
/// What prediction made of one input image: its detections in the original (EXIF-oriented) image's pixels, the most
/// probable first, or the error that stopped it.
/// </summary>
/// <param name="Index">Position in the (sharded) input list; results are written in this order.</param>
/// <param name="File">The path as the input list gave it.</param>
/// <param name="Width">Width of the image after its EXIF orientation; 0 when it could not be read.</param>
/// <param name="Height">Height of the image after its EXIF orientation; 0 when it could not be read.</param>
/// <param name="Objects">Detections after the filters (probability, classes, count).</param>
/// <param name="Error">Why the image failed (without the file name); null when it did not.</param>
/// <param name="Original">The decoded image, kept only when the pipeline is asked to (drawing); null otherwise.</param>
public sealed record ImagePrediction(int Index, string File, int Width, int Height, IReadOnlyList<Detection> Objects, string? Error = null, RgbImage? Original = null)
{
    public bool Failed => Error is not null;

    /// <summary>A failed image: no size, no detections.</summary>
    public static ImagePrediction Failure(int index, string file, string error) => new(index, file, 0, 0, [], error);
}
