using Lumi.Inference.Pipeline;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace Lumi.Inference.Outputs;

/// <summary>
/// <c>--save-media-to DIR</c>: each predicted image with its detections drawn (<see cref="DetectionPainter"/>), as JPEG
/// when the input was a JPEG and PNG otherwise, named after the input (<see cref="PathFor"/>). Failed images get no file.
/// Needs the pipeline to keep the decoded images (<see cref="PipelineOptions.KeepOriginals"/>).
/// </summary>
public sealed class MediaWriter : IPredictionWriter
{
    private readonly string _folder;

    public MediaWriter(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        _folder = Path.GetFullPath(folder);
        Directory.CreateDirectory(_folder);
    }

    /// <summary>The drawn image's path for input <paramref name="imageFile"/>: the same name for JPEG and PNG inputs, else the stem + .png.</summary>
    public static string PathFor(string folder, string imageFile)
    {
        string name = Path.GetFileName(imageFile);
        return Path.Combine(folder, IsJpeg(imageFile) || Path.GetExtension(name).Equals(".png", StringComparison.OrdinalIgnoreCase)
            ? name
            : Path.GetFileNameWithoutExtension(name) + ".png");
    }

    public void Write(ImagePrediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        if (prediction.Failed) return;
        if (prediction.Original is null)
        {
            throw new InvalidOperationException("the pipeline did not keep the decoded images: set PipelineOptions.KeepOriginals to draw them");
        }
        using Image<Rgb24> image = DetectionPainter.ToImage(prediction.Original);
        DetectionPainter.Draw(image, prediction.Objects);
        string path = PathFor(_folder, prediction.File);
        string temporary = Path.Combine(_folder, $".{Path.GetFileName(path)}.tmp-{Environment.ProcessId}");
        IImageEncoder encoder = IsJpeg(prediction.File) ? new JpegEncoder { Quality = 90 } : new PngEncoder();
        try
        {
            image.Save(temporary, encoder);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    private static bool IsJpeg(string file) =>
        Path.GetExtension(file).ToLowerInvariant() is ".jpg" or ".jpeg" or ".jpe" or ".jfif";

    public void Complete()
    {
    }

    public void Dispose()
    {
    }
}
