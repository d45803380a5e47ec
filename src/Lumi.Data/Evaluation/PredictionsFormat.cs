namespace Lumi.Data.Evaluation;

/// <summary>The two formats <c>lumi predict</c> writes that <c>lumi eval</c> reads back.</summary>
public enum PredictionsFormat
{
    /// <summary>One JSON object per image and line: <c>{"file", "width", "height", "objects": [{"bbox", "label", "prob"}]}</c>.</summary>
    JsonLines,

    /// <summary>A bare array of <c>{image_id, category_id, bbox: [x, y, w, h], score}</c>, as pycocotools reads it.</summary>
    CocoResults,
}
