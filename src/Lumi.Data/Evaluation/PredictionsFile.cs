using System.Globalization;
using System.Text.Json;
using Lumi.Data.Errors;

namespace Lumi.Data.Evaluation;

/// <summary>
/// Reads saved predictions (<c>shared/DESIGN.md</c> §5): JSON lines or a COCO results array, told apart by the first
/// non-blank character (<c>[</c> is COCO). Every problem is an <see cref="InputDataException"/> naming the file and the
/// line (JSON lines) or the array element (COCO) and the key.
/// </summary>
public sealed class PredictionsFile
{
    private PredictionsFile(string path, PredictionsFormat format, IReadOnlyList<SavedImagePredictions> images)
    {
        Path = path;
        Format = format;
        Images = images;
        double min = double.PositiveInfinity;
        foreach (var image in images)
            foreach (var o in image.Objects)
                if (o.Score < min) min = o.Score;
        LowestScore = double.IsPositiveInfinity(min) ? null : min;
    }

    public string Path { get; }
    public PredictionsFormat Format { get; }

    /// <summary>In file order. JSON lines: one per line; COCO: one per distinct <c>image_id</c>, in order of first appearance.</summary>
    public IReadOnlyList<SavedImagePredictions> Images { get; }

    /// <summary>The lowest score of any detection in the file; null when it has none.</summary>
    public double? LowestScore { get; }

    public static PredictionsFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new InputDataException($"{path}: predictions file not found");
        string text = File.ReadAllText(path);
        string trimmed = text.TrimStart();
        return trimmed.StartsWith('[')
            ? new PredictionsFile(path, PredictionsFormat.CocoResults, ReadCoco(path, text))
            : new PredictionsFile(path, PredictionsFormat.JsonLines, ReadJsonLines(path, text));
    }

    private static List<SavedImagePredictions> ReadJsonLines(string path, string text)
    {
        var images = new List<SavedImagePredictions>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line)) continue;
            string where = $"{path}:{i + 1}";
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException e)
            {
                throw new InputDataException($"{where}: not valid JSON ({e.Message}); expected one object per line: {{\"file\", \"width\", \"height\", \"objects\"}}", e);
            }
            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                    throw new InputDataException($"{where}: expected a JSON object with \"file\" and \"objects\", found {Kind(root)}");
                string file = RequireString(root, "file", where);
                // lumi predict on Windows writes backslashes; the stem is the same on every platform.
                string stem = System.IO.Path.GetFileNameWithoutExtension(file.Replace('\\', '/'));
                if (root.TryGetProperty("error", out var error))
                {
                    images.Add(new SavedImagePredictions(stem, where, [], error.ValueKind == JsonValueKind.String ? error.GetString() : error.GetRawText()));
                    continue;
                }
                if (!root.TryGetProperty("objects", out var objects) || objects.ValueKind != JsonValueKind.Array)
                    throw new InputDataException($"{where}: key \"objects\" is missing or not an array (give [] for an image without detections)");
                var list = new List<SavedObject>(objects.GetArrayLength());
                int k = 0;
                foreach (var o in objects.EnumerateArray())
                {
                    string at = $"{where}: objects[{k++}]";
                    if (o.ValueKind != JsonValueKind.Object)
                        throw new InputDataException($"{at}: expected an object {{\"bbox\", \"label\", \"prob\"}}, found {Kind(o)}");
                    var (x1, y1, x2, y2) = ReadBox(o, at);
                    string label = RequireString(o, "label", at);
                    double prob = RequireNumber(o, "prob", at);
                    CheckBox(x1, y1, x2, y2, at, "bbox [x1, y1, x2, y2]");
                    list.Add(new SavedObject(x1, y1, x2, y2, label, null, prob));
                }
                images.Add(new SavedImagePredictions(stem, where, list));
            }
        }
        return images;
    }

    private static List<SavedImagePredictions> ReadCoco(string path, string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new InputDataException($"{path}: not valid JSON ({e.Message}); expected a COCO results array [{{\"image_id\", \"category_id\", \"bbox\", \"score\"}}]", e);
        }
        using (document)
        {
            var order = new List<string>();
            var byImage = new Dictionary<string, (List<SavedObject> Objects, string Where, long? Numeric)>(StringComparer.Ordinal);
            int k = 0;
            foreach (var o in document.RootElement.EnumerateArray())
            {
                string at = $"{path}: [{k++}]";
                if (o.ValueKind != JsonValueKind.Object)
                    throw new InputDataException($"{at}: expected an object {{\"image_id\", \"category_id\", \"bbox\", \"score\"}}, found {Kind(o)}");
                if (!o.TryGetProperty("image_id", out var id))
                    throw new InputDataException($"{at}: key \"image_id\" is missing");
                string stem;
                long? numeric = null;
                if (id.ValueKind == JsonValueKind.String) stem = id.GetString()!;
                else if (id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out long n))
                {
                    stem = n.ToString(CultureInfo.InvariantCulture);
                    numeric = n;
                }
                else throw new InputDataException($"{at}: key \"image_id\" must be a file stem (string) or an integer id, found {Kind(id)}");
                if (!o.TryGetProperty("category_id", out var category) || category.ValueKind != JsonValueKind.Number || !category.TryGetInt32(out int label))
                    throw new InputDataException($"{at}: key \"category_id\" is missing or not an integer (the 1-based label)");
                if (!o.TryGetProperty("bbox", out var bbox) || bbox.ValueKind != JsonValueKind.Array || bbox.GetArrayLength() != 4)
                    throw new InputDataException($"{at}: key \"bbox\" is missing or not [x, y, w, h]");
                double[] b = ReadNumbers(bbox, at, "bbox");
                double score = RequireNumber(o, "score", at);
                CheckBox(b[0], b[1], b[0] + b[2], b[1] + b[3], at, "bbox [x, y, w, h]");
                if (!byImage.TryGetValue(stem, out var entry))
                {
                    entry = ([], at, numeric);
                    byImage.Add(stem, entry);
                    order.Add(stem);
                }
                entry.Objects.Add(new SavedObject(b[0], b[1], b[0] + b[2], b[1] + b[3], null, label, score));
            }
            return order.Select(s => new SavedImagePredictions(s, byImage[s].Where, byImage[s].Objects, NumericId: byImage[s].Numeric)).ToList();
        }
    }

    private static (double, double, double, double) ReadBox(JsonElement o, string at)
    {
        if (!o.TryGetProperty("bbox", out var bbox) || bbox.ValueKind != JsonValueKind.Array || bbox.GetArrayLength() != 4)
            throw new InputDataException($"{at}: key \"bbox\" is missing or not [x1, y1, x2, y2]");
        double[] b = ReadNumbers(bbox, at, "bbox");
        return (b[0], b[1], b[2], b[3]);
    }

    private static double[] ReadNumbers(JsonElement array, string at, string key)
    {
        var values = new double[array.GetArrayLength()];
        int i = 0;
        foreach (var v in array.EnumerateArray())
        {
            if (v.ValueKind != JsonValueKind.Number || !double.IsFinite(v.GetDouble()))
                throw new InputDataException($"{at}: key \"{key}\" element {i} is {Kind(v)}: expected a finite number");
            values[i++] = v.GetDouble();
        }
        return values;
    }

    private static void CheckBox(double x1, double y1, double x2, double y2, string at, string form)
    {
        if (x2 < x1 || y2 < y1)
            throw new InputDataException($"{at}: key \"bbox\" ({form}) has x2 < x1 or y2 < y1");
    }

    private static string RequireString(JsonElement o, string key, string at)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind != JsonValueKind.String)
            throw new InputDataException($"{at}: key \"{key}\" is missing or not a string");
        return v.GetString()!;
    }

    private static double RequireNumber(JsonElement o, string key, string at)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind != JsonValueKind.Number || !double.IsFinite(v.GetDouble()))
            throw new InputDataException($"{at}: key \"{key}\" is missing or not a finite number");
        return v.GetDouble();
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Null => "null",
        _ => "a boolean",
    };
}
