using System.Text;
using Lumi.Inference.Pipeline;

namespace Lumi.Inference.Outputs;

/// <summary>
/// shared/DESIGN.md §5: one JSON object per image and line, in input order —
/// <c>{"file", "width", "height", "objects": [{"bbox": [x1, y1, x2, y2], "label", "prob"}]}</c>, or
/// <c>{"file", "error"}</c> for an image that failed. What <c>Lumi.Data.Evaluation.PredictionsFile</c> reads.
/// </summary>
public sealed class JsonLinesWriter(TextOutput output) : IPredictionWriter
{
    public void Write(ImagePrediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        output.Writer.Write(Line(prediction));
        output.Writer.Write('\n');
        output.EndOfRecord();
    }

    /// <summary>The line for one image, without its line end.</summary>
    public static string Line(ImagePrediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        var line = new StringBuilder(64 + 80 * prediction.Objects.Count);
        line.Append("{\"file\": ").Append(JsonText.String(prediction.File));
        if (prediction.Error is not null)
        {
            line.Append(", \"error\": ").Append(JsonText.String(prediction.Error)).Append('}');
            return line.ToString();
        }
        line.Append(", \"width\": ").Append(prediction.Width).Append(", \"height\": ").Append(prediction.Height).Append(", \"objects\": [");
        for (int i = 0; i < prediction.Objects.Count; i++)
        {
            Detection d = prediction.Objects[i];
            if (i > 0) line.Append(", ");
            line.Append("{\"bbox\": [")
                .Append(Numbers.Format(Numbers.Coordinate(d.X1))).Append(", ")
                .Append(Numbers.Format(Numbers.Coordinate(d.Y1))).Append(", ")
                .Append(Numbers.Format(Numbers.Coordinate(d.X2))).Append(", ")
                .Append(Numbers.Format(Numbers.Coordinate(d.Y2))).Append("], \"label\": ")
                .Append(JsonText.String(d.ClassName)).Append(", \"prob\": ")
                .Append(Numbers.Format(Numbers.Probability(d.Score))).Append('}');
        }
        line.Append("]}");
        return line.ToString();
    }

    public void Complete() => output.Commit();

    public void Dispose() => output.Dispose();
}
