using System.Globalization;
using System.Text;
using Lumi.Inference.Pipeline;

namespace Lumi.Inference.Outputs;

/// <summary>
/// CSV (RFC 4180, header first): one row per detection — <c>file, width, height, label, prob, x1, y1, x2, y2, error</c>,
/// 0-based continuous coordinates — and one row with empty detection fields for an image without detections, or with
/// <c>error</c> set for one that failed, so every image appears.
/// </summary>
public sealed class CsvWriter : IPredictionWriter
{
    public const string Header = "file,width,height,label,prob,x1,y1,x2,y2,error";

    private readonly TextOutput _output;

    public CsvWriter(TextOutput output)
    {
        _output = output;
        _output.Writer.Write(Header + "\n");
    }

    public void Write(ImagePrediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        string file = Field(prediction.File);
        if (prediction.Failed)
        {
            _output.Writer.Write($"{file},,,,,,,,,{Field(prediction.Error!)}\n");
        }
        else if (prediction.Objects.Count == 0)
        {
            _output.Writer.Write(string.Create(CultureInfo.InvariantCulture, $"{file},{prediction.Width},{prediction.Height},,,,,,,\n"));
        }
        else
        {
            foreach (Detection d in prediction.Objects)
            {
                _output.Writer.Write(string.Create(CultureInfo.InvariantCulture,
                    $"{file},{prediction.Width},{prediction.Height},{Field(d.ClassName)},{Numbers.Format(Numbers.Probability(d.Score))}," +
                    $"{Numbers.Format(Numbers.Coordinate(d.X1))},{Numbers.Format(Numbers.Coordinate(d.Y1))}," +
                    $"{Numbers.Format(Numbers.Coordinate(d.X2))},{Numbers.Format(Numbers.Coordinate(d.Y2))},\n"));
            }
        }
        _output.EndOfRecord();
    }

    /// <summary>A field quoted when it holds a comma, a quote or a line break (quotes doubled).</summary>
    public static string Field(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.IndexOfAny([',', '"', '\n', '\r']) < 0) return value;
        return new StringBuilder(value.Length + 2).Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"').ToString();
    }

    public void Complete() => _output.Commit();

    public void Dispose() => _output.Dispose();
}
