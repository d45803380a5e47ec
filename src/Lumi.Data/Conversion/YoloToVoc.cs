using System.Globalization;
using Lumi.Data.Errors;
using Lumi.Data.Imaging;
using Lumi.Data.Voc;

namespace Lumi.Data.Conversion;

/// <summary>
/// Converts YOLO labels (one <c>&lt;image stem&gt;.txt</c> per image, a line
/// <c>class x_center y_center width height</c> per object, normalised by the image's width and height) to
/// the VOC layout. A box becomes <c>x1 = (xc − w/2)·W, x2 = (xc + w/2)·W</c> (and likewise in y) in continuous
/// 0-based pixels, clipped to the image; VOC XML gets <c>xmin = x1 + 1, xmax = x2</c> (shared/DESIGN.md §5).
/// </summary>
/// <remarks>
/// Segment lines (<c>class x1 y1 x2 y2 …</c>, three or more points) become the box around their points.
/// W and H are the size after the image's EXIF orientation — the frame YOLO tools (Ultralytics) label in —
/// and the annotation says that size, so Lumi's reader turns the image the same way. An image without a
/// label file has no objects (YOLO's convention). A label file with a bad line fails its image (the
/// message names file and line) and the others are converted.
/// </remarks>
public static class YoloToVoc
{
    /// <summary>Boxes reaching less than this many pixels outside the image are clipped without a warning.</summary>
    public const float ClipSilentlyBelow = 1;

    public static ConversionSummary Convert(YoloConvertOptions options, IProgress<(int Done, int Total)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach ((string folder, string what) in new[] { (options.Images, "image"), (options.Labels, "label") })
        {
            if (!Directory.Exists(folder))
            {
                throw new InputDataException($"{folder}: {what} folder not found");
            }
        }
        string[] images = Directory.EnumerateFiles(options.Images)
            .Where(p => VocDataset.ImageExtensions.Contains(Path.GetExtension(p).ToLowerInvariant()))
            .Order(StringComparer.Ordinal).ToArray();
        var stems = new HashSet<string>(images.Select(p => Path.GetFileNameWithoutExtension(p)), StringComparer.Ordinal);
        var warnings = Directory.EnumerateFiles(options.Labels, "*.txt")
            .Where(p => !stems.Contains(Path.GetFileNameWithoutExtension(p)))
            .Order(StringComparer.Ordinal)
            .Select(p => $"{p}: no image with this stem in {options.Images}; skipped")
            .ToList();
        var decoder = new ImageDecoder(long.MaxValue, applyOrientation: false);
        string[] names = options.Classes.ToArray();

        ConvertedImage Prepare(string imagePath)
        {
            string id = Path.GetFileNameWithoutExtension(imagePath);
            ImageHeader header;
            try
            {
                header = decoder.Identify(imagePath);
            }
            catch (InputDataException e)
            {
                return ConvertedImage.Failed(id, imagePath, e.Message);
            }
            int width = header.OrientedWidth, height = header.OrientedHeight;
            string labelPath = Path.Combine(options.Labels, id + ".txt");
            if (!File.Exists(labelPath))
            {
                return new ConvertedImage(id, imagePath, width, height, []);
            }
            var objects = new List<VocObject>();
            var notes = new List<string>();
            string[] lines;
            try
            {
                lines = File.ReadAllLines(labelPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return ConvertedImage.Failed(id, imagePath, $"{labelPath}: cannot read the labels: {e.Message}");
            }
            for (int n = 0; n < lines.Length; n++)
            {
                string at = $"{labelPath}:{n + 1}";
                string[] tokens = lines[n].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (tokens.Length == 0)
                {
                    continue;
                }
                if (ParseLine(tokens, names, at, out int label, out double[] box) is string problem)
                {
                    return ConvertedImage.Failed(id, imagePath, problem);
                }
                var raw = new VocBox((float)(box[0] * width), (float)(box[1] * height), (float)(box[2] * width), (float)(box[3] * height));
                VocBox clipped = raw.ClipTo(width, height);
                if (clipped.IsEmpty)
                {
                    notes.Add($"{at}: the box has no area inside the {width}x{height} image; skipped");
                    continue;
                }
                // Normalised values written with a few decimals overshoot the border by a fraction of a pixel: clip those silently.
                if (Math.Max(Math.Max(-raw.X1, -raw.Y1), Math.Max(raw.X2 - width, raw.Y2 - height)) > ClipSilentlyBelow)
                {
                    notes.Add($"{at}: the box reaches outside the {width}x{height} image; clipped");
                }
                objects.Add(new VocObject(names[label], clipped));
            }
            return new ConvertedImage(id, imagePath, width, height, objects) { Warnings = notes };
        }
        return VocOutput.Write(options.Output, images, Prepare, names, options.Split, options.Symlink, warnings, progress);
    }

    /// <summary>
    /// One label line as a class index and a normalised box <c>(x1, y1, x2, y2)</c>, or the problem with it.
    /// Values must lie in [0, 1], as Ultralytics requires (pixel coordinates are the usual mistake).
    /// </summary>
    private static string? ParseLine(string[] tokens, string[] names, string at, out int label, out double[] box)
    {
        label = -1;
        box = [];
        bool segment = tokens.Length >= 7 && tokens.Length % 2 == 1;
        if (tokens.Length != 5 && !segment)
        {
            return $"{at}: expected 'class x_center y_center width height' (5 values) or a segment 'class x1 y1 x2 y2 x3 y3 ...', found {tokens.Length} values";
        }
        if (!int.TryParse(tokens[0], NumberStyles.None, CultureInfo.InvariantCulture, out label) || label >= names.Length)
        {
            return $"{at}: class '{tokens[0]}' is not an index of the {names.Length} classes (0 to {names.Length - 1})";
        }
        var values = new double[tokens.Length - 1];
        for (int i = 1; i < tokens.Length; i++)
        {
            if (!double.TryParse(tokens[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i - 1]) || !double.IsFinite(values[i - 1]))
            {
                return $"{at}: '{tokens[i]}' is not a number";
            }
            if (values[i - 1] is < 0 or > 1)
            {
                return $"{at}: {tokens[i]} is outside [0, 1]; YOLO coordinates are fractions of the image's width and height, not pixels";
            }
        }
        if (!segment)
        {
            (double xc, double yc, double w, double h) = (values[0], values[1], values[2], values[3]);
            box = [xc - w / 2, yc - h / 2, xc + w / 2, yc + h / 2];
            return null;
        }
        double x1 = double.MaxValue, y1 = double.MaxValue, x2 = double.MinValue, y2 = double.MinValue;
        for (int i = 0; i < values.Length; i += 2)
        {
            (x1, x2) = (Math.Min(x1, values[i]), Math.Max(x2, values[i]));
            (y1, y2) = (Math.Min(y1, values[i + 1]), Math.Max(y2, values[i + 1]));
        }
        box = [x1, y1, x2, y2];
        return null;
    }
}
