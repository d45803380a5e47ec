using Lumi.Data.Voc;

namespace Lumi.Data.Training;

/// <summary>
/// One image of the training split as the loader uses it: its VOC record (file, annotated size — which decides the
/// EXIF rule) and the boxes that train (<c>N×4</c>, x1, y1, x2, y2 in 0-based continuous pixels) with their 1-based labels.
/// </summary>
public sealed record TrainingImage(VocImage Source, float[] Boxes, int[] Labels)
{
    public string Id => Source.Id;

    /// <summary>Width / height as annotated, for aspect-ratio grouping.</summary>
    public double AspectRatio => Source.Width / (double)Source.Height;
}
