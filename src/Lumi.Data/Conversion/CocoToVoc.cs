using System.Globalization;
using System.Text.Json;
using Lumi.Data.Errors;
using Lumi.Data.Imaging;
using Lumi.Data.Voc;

namespace Lumi.Data.Conversion;

/// <summary>
/// Converts a COCO instances JSON file and its images to the VOC layout. COCO boxes
/// <c>[x, y, w, h]</c> are in continuous 0-based pixels, so the box is <c>(x, y, x + w, y + h)</c> in Lumi's
/// coordinates and VOC XML gets <c>xmin = x + 1, ymin = y + 1, xmax = x + w, ymax = y + h</c>
/// (shared/DESIGN.md §5). Crowd regions (<c>iscrowd: 1</c>) become <c>difficult</c> objects: left out of
/// training and "ignore" regions in evaluation, as COCO's own evaluation treats them. Classes are the
/// category names, in category-id order (written to <c>classes.txt</c>). Images without annotations are
/// kept as images without objects.
/// </summary>
public static class CocoToVoc
{
    public static ConversionSummary Convert(CocoConvertOptions options, IProgress<(int Done, int Total)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        string json = options.Annotations;
        if (!Directory.Exists(options.Images))
        {
            throw new InputDataException($"{options.Images}: image folder not found");
        }
        using JsonDocument document = Parse(json);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InputDataException($"{json}: expected a JSON object with images, annotations and categories, found {Kind(root)}");
        }
        JsonElement images = Array(root, "images", json, required: true);
        JsonElement categories = Array(root, "categories", json, required: true);
        JsonElement annotations = Array(root, "annotations", json, required: false);

        var names = new SortedDictionary<long, string>();
        var byName = new Dictionary<string, long>(StringComparer.Ordinal);
        int index = 0;
        foreach (JsonElement category in categories.EnumerateArray())
        {
            string at = $"{json}: categories[{index++}]";
            long id = Integer(category, "id", at);
            string name = Text(category, "name", at).Trim();
            if (name.Length == 0)
            {
                throw new InputDataException($"{at}: 'name' is blank");
            }
            if (byName.TryGetValue(name, out long other))
            {
                throw new InputDataException($"{at}: the name '{name}' is also used by category {other}; VOC names objects by class name");
            }
            if (!names.TryAdd(id, name))
            {
                throw new InputDataException($"{at}: id {id} appears twice");
            }
            byName[name] = id;
        }
        if (names.Count == 0)
        {
            throw new InputDataException($"{json}: 'categories' is empty");
        }

        var entries = new List<(long Id, string FileName, int Width, int Height)>();
        var imageIndex = new Dictionary<long, int>();
        index = 0;
        foreach (JsonElement image in images.EnumerateArray())
        {
            string at = $"{json}: images[{index++}]";
            long id = Integer(image, "id", at);
            string fileName = Text(image, "file_name", at);
            int width = image.TryGetProperty("width", out _) ? (int)Integer(image, "width", at) : 0;
            int height = image.TryGetProperty("height", out _) ? (int)Integer(image, "height", at) : 0;
            if (!imageIndex.TryAdd(id, entries.Count))
            {
                throw new InputDataException($"{at}: id {id} appears twice");
            }
            entries.Add((id, fileName, width, height));
        }

        var objects = entries.Select(_ => new List<VocObject>()).ToArray();
        var warnings = new List<string>();
        index = 0;
        if (annotations.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement annotation in annotations.EnumerateArray())
            {
                string at = $"{json}: annotations[{index++}]";
                long imageId = Integer(annotation, "image_id", at);
                long categoryId = Integer(annotation, "category_id", at);
                double[] bbox = Box(annotation, at);
                bool crowd = annotation.TryGetProperty("iscrowd", out JsonElement c) && c.ValueKind == JsonValueKind.Number && c.GetDouble() != 0;
                if (!imageIndex.TryGetValue(imageId, out int target))
                {
                    warnings.Add($"{at}: image_id {imageId} is not in images; skipped");
                    continue;
                }
                if (!names.TryGetValue(categoryId, out string? name))
                {
                    warnings.Add($"{at}: category_id {categoryId} is not in categories; skipped");
                    continue;
                }
                if (!(bbox[2] > 0 && bbox[3] > 0))
                {
                    warnings.Add($"{at}: bbox {Describe(bbox)} has no area; skipped");
                    continue;
                }
                var box = new VocBox((float)bbox[0], (float)bbox[1], (float)(bbox[0] + bbox[2]), (float)(bbox[1] + bbox[3]));
                objects[target].Add(new VocObject(name, box, Difficult: crowd));
            }
        }
        else
        {
            warnings.Add($"{json}: no 'annotations'; every image is converted without objects");
        }

        var decoder = new ImageDecoder(long.MaxValue, applyOrientation: false);
        ConvertedImage Prepare(int i)
        {
            (long _, string fileName, int width, int height) = entries[i];
            string source = Path.Combine(options.Images, fileName);
            if (!File.Exists(source) && File.Exists(Path.Combine(options.Images, Path.GetFileName(fileName))))
            {
                source = Path.Combine(options.Images, Path.GetFileName(fileName));
            }
            string id = Path.GetFileNameWithoutExtension(fileName);
            if (!File.Exists(source))
            {
                return ConvertedImage.Failed(id, source, $"{source}: image file not found (images[{i}].file_name '{fileName}')");
            }
            if (width <= 0 || height <= 0)
            {
                try
                {
                    ImageHeader header = decoder.Identify(source);
                    (width, height) = (header.Width, header.Height);
                }
                catch (InputDataException e)
                {
                    return ConvertedImage.Failed(id, source, e.Message);
                }
            }
            return new ConvertedImage(id, source, width, height, objects[i]);
        }
        return VocOutput.Write(options.Output, Enumerable.Range(0, entries.Count).ToArray(), Prepare, names.Values.ToArray(),
            options.Split, options.Symlink, warnings, progress);
    }

    private static JsonDocument Parse(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new InputDataException($"{path}:{e.LineNumber + 1}: not valid JSON: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string why = e is FileNotFoundException or DirectoryNotFoundException ? "file not found" : e.Message;
            throw new InputDataException($"{path}: cannot read the COCO annotations: {why}", e);
        }
    }

    private static JsonElement Array(JsonElement root, string name, string path, bool required)
    {
        if (!root.TryGetProperty(name, out JsonElement value))
        {
            return required ? throw new InputDataException($"{path}: no '{name}' array; a COCO instances file has images, annotations and categories") : default;
        }
        return value.ValueKind == JsonValueKind.Array ? value : throw new InputDataException($"{path}: '{name}' is {Kind(value)}; expected an array");
    }

    private static long Integer(JsonElement element, string name, string at)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new InputDataException($"{at}: expected an object, found {Kind(element)}");
        }
        if (!element.TryGetProperty(name, out JsonElement value) || value.ValueKind != JsonValueKind.Number
            || !value.TryGetDouble(out double d) || d != Math.Floor(d) || Math.Abs(d) > int.MaxValue)
        {
            throw new InputDataException($"{at}: '{name}' is {(element.TryGetProperty(name, out JsonElement v) ? Kind(v) : "missing")}; expected a whole number");
        }
        return (long)d;
    }

    private static string Text(JsonElement element, string name, string at)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new InputDataException($"{at}: expected an object, found {Kind(element)}");
        }
        return element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new InputDataException($"{at}: '{name}' is {(element.TryGetProperty(name, out JsonElement v) ? Kind(v) : "missing")}; expected text");
    }

    private static double[] Box(JsonElement annotation, string at)
    {
        if (!annotation.TryGetProperty("bbox", out JsonElement bbox) || bbox.ValueKind != JsonValueKind.Array || bbox.GetArrayLength() != 4
            || bbox.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number || !double.IsFinite(v.GetDouble())))
        {
            throw new InputDataException($"{at}: 'bbox' is {(annotation.TryGetProperty("bbox", out JsonElement v) ? v.GetRawText() : "missing")}; expected [x, y, width, height]");
        }
        return bbox.EnumerateArray().Select(v => v.GetDouble()).ToArray();
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the text {value.GetRawText()}",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Null => "null",
        _ => "missing",
    };

    private static string Describe(double[] bbox) => "[" + string.Join(", ", bbox.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";
}
