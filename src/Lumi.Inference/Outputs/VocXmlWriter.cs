using Lumi.Data.Voc;
using Lumi.Inference.Pipeline;

namespace Lumi.Inference.Outputs;

/// <summary>
/// One Pascal VOC annotation per image (<c>DIR/&lt;stem&gt;.xml</c>, 1-based coordinates as VOC expects) for
/// auto-labelling: <c>filename</c>, the oriented <c>size</c>, one <c>object</c> per detection with the class name — what
/// <see cref="VocAnnotationFile.Read"/> (and so <c>lumi train</c>) reads back to the same boxes. Failed images get no file.
/// Each file is written under a temporary name and renamed.
/// </summary>
public sealed class VocXmlWriter : IPredictionWriter
{
    private readonly string _folder;

    public VocXmlWriter(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        _folder = Path.GetFullPath(folder);
        Directory.CreateDirectory(_folder);
    }

    /// <summary>The annotation file written for <paramref name="imageFile"/> in <paramref name="folder"/>.</summary>
    public static string PathFor(string folder, string imageFile) =>
        Path.Combine(folder, Path.GetFileNameWithoutExtension(imageFile) + ".xml");

    public void Write(ImagePrediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        if (prediction.Failed) return;
        var objects = prediction.Objects.Select(d => new VocObject(d.ClassName, new VocBox(d.X1, d.Y1, d.X2, d.Y2))).ToArray();
        var annotation = new VocAnnotation(Path.GetFileName(prediction.File), prediction.Width, prediction.Height, objects);
        VocAnnotationFile.Write(PathFor(_folder, prediction.File), annotation);
    }

    public void Complete()
    {
    }

    public void Dispose()
    {
    }
}
