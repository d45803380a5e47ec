using System.Globalization;
using Lumi.Inference.Pipeline;

namespace Lumi.Inference.Outputs;

/// <summary>
/// A COCO results array as pycocotools' <c>loadRes</c> reads it (shared/DESIGN.md §5): one
/// <c>{"image_id", "category_id", "bbox": [x, y, w, h], "score"}</c> per detection, images in input order.
/// <c>image_id</c> is the file's stem — an integer when the stem is one (COCO's <c>000000397133.jpg</c> is image
/// 397133), else a string; <c>category_id</c> is the model's 1-based label. Failed images have no entries (the command
/// reports them on stderr).
/// </summary>
public sealed class CocoResultsWriter(TextOutput output) : IPredictionWriter
{
    private bool _any;

    public void Write(ImagePrediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        if (prediction.Failed) return;
        string id = ImageId(prediction.File);
        foreach (Detection d in prediction.Objects)
        {
            output.Writer.Write(_any ? ",\n" : "[\n");
            _any = true;
            output.Writer.Write(
                $"{{\"image_id\": {id}, \"category_id\": {d.Label.ToString(CultureInfo.InvariantCulture)}, \"bbox\": [" +
                $"{Numbers.Format(Numbers.Coordinate(d.X1))}, {Numbers.Format(Numbers.Coordinate(d.Y1))}, " +
                $"{Numbers.Format(Numbers.Extent(d.X1, d.X2))}, {Numbers.Format(Numbers.Extent(d.Y1, d.Y2))}], " +
                $"\"score\": {Numbers.Format(Numbers.Probability(d.Score))}}}");
        }
        output.EndOfRecord();
    }

    /// <summary>The <c>image_id</c> JSON value for <paramref name="file"/>: its stem as an integer when it is one, else as a string.</summary>
    public static string ImageId(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        string stem = Path.GetFileNameWithoutExtension(file.Replace('\\', '/'));
        return stem.Length is > 0 and <= 18 && stem.All(char.IsAsciiDigit)
            ? long.Parse(stem, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)
            : JsonText.String(stem);
    }

    public void Complete()
    {
        output.Writer.Write(_any ? "\n]\n" : "[]\n");
        output.Commit();
    }

    public void Dispose() => output.Dispose();
}
