using System.Text.Json;
using Lumi.Data.Metrics;
using static Lumi.Data.Tests.Metrics.Cases;

namespace Lumi.Data.Tests.Metrics;

public sealed class MetricsJsonTests
{
    private static EvaluationResult Sample() => DetectionEvaluator.Evaluate(
        [Image("a", [Gt(0, 0, 10, 10)], Det(0, 0, 10, 10, 0.9), Det(20, 20, 30, 30, 0.8, cls: 1))],
        ["cat", "dog"]);

    [Fact]
    public void WritesSnakeCaseKeysInvariantNumbersAndNullsForMissingValues()
    {
        string json = MetricsJson.Serialize(Sample());
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;

        Assert.Equal("voc07", root.GetProperty("headline").GetString());
        Assert.Equal("mAP@0.5 (VOC2007 11-point)", root.GetProperty("headline_name").GetString());
        Assert.Equal(1.0, root.GetProperty("headline_value").GetDouble());
        Assert.Equal("dog", root.GetProperty("classes_without_ground_truth")[0].GetString());
        var dog = root.GetProperty("classes")[1];
        Assert.Equal(JsonValueKind.Null, dog.GetProperty("ap07").ValueKind);
        Assert.Equal(1, dog.GetProperty("detections").GetInt32());
        Assert.Equal(0.5, root.GetProperty("voc").GetProperty("iou_threshold").GetDouble());
        Assert.Equal(1.0, root.GetProperty("coco").GetProperty("ap50").GetDouble());
        Assert.False(root.TryGetProperty("curves", out _));
        Assert.Contains("\"iou_threshold\": 0.5", json);
        Assert.Contains("no +1", json);
    }

    [Fact]
    public void RoundTrips()
    {
        var result = Sample();
        var back = MetricsJson.Deserialize(MetricsJson.Serialize(result));

        Assert.Equal(result.HeadlineValue, back.HeadlineValue);
        Assert.Equal(result.Description, back.Description);
        Assert.Equal(result.Classes, back.Classes);
        Assert.Equal(result.Voc, back.Voc);
        Assert.Equal(result.Coco, back.Coco);
        Assert.Equal(result.ClassesWithoutGroundTruth, back.ClassesWithoutGroundTruth);
    }

    [Fact]
    public void WriteReplacesTheFileWholeAndLeavesNoTemporary()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"lumi-metrics-{Guid.NewGuid():N}");
        try
        {
            string path = Path.Combine(dir, "sub", "metrics.json");
            MetricsJson.Write(Sample(), path);
            MetricsJson.Write(Sample(), path);

            Assert.Equal(1.0, MetricsJson.Deserialize(File.ReadAllText(path)).HeadlineValue);
            Assert.Equal(["metrics.json"], Directory.GetFiles(Path.Combine(dir, "sub")).Select(Path.GetFileName));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
