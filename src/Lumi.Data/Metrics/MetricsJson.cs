using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lumi.Data.Metrics;

/// <summary>
/// JSON form of an <see cref="EvaluationResult"/>: snake_case keys, the headline as "voc07" / "voc12" / "coco", numbers
/// in the invariant culture (System.Text.Json always writes them so) at full precision, null for a value that does not
/// exist (a class with no ground truth). The precision–recall curves are not included.
/// </summary>
public static class MetricsJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        // A file, not HTML: keep '+', '>' and non-ASCII class names readable instead of \u escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string Serialize(EvaluationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return JsonSerializer.Serialize(result, Options);
    }

    public static EvaluationResult Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize<EvaluationResult>(json, Options)
            ?? throw new JsonException("The JSON is null: expected an evaluation result object.");
    }

    /// <summary>Writes <paramref name="result"/> to <paramref name="path"/> through a temporary file renamed into place.</summary>
    public static void Write(EvaluationResult result, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string json = Serialize(result);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = $"{full}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            File.WriteAllText(temp, json + "\n");
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
