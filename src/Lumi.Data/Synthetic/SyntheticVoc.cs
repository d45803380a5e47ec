using Lumi.Data.Errors;
using Lumi.Data.Voc;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

namespace Lumi.Data.Synthetic;

/// <summary>
/// Writes a synthetic object-detection dataset in the VOCdevkit layout — <c>JPEGImages/*.jpg</c>,
/// <c>Annotations/*.xml</c>, <c>ImageSets/Main/{train,val,test,trainval}.txt</c> — of shapes (one shape
/// and colour per class) at varied scales and positions, overlapping and partly occluding each other, on
/// cluttered procedural backgrounds; tiny objects are marked difficult. It is what the quickstart and the
/// tests train on.
/// </summary>
/// <remarks>
/// Deterministic: each image is drawn from its own generator seeded by (seed, index), with no
/// transcendental functions in the noise and a fixed JPEG encoder configuration, so the same seed and
/// options give the same bytes whatever the number of threads. Images are drawn in parallel. The dataset
/// is written into a temporary sibling folder that is renamed into place at the end, so an interrupted run
/// never leaves a half-written dataset under the real name.
/// </remarks>
public static class SyntheticVoc
{
    public static readonly IReadOnlyList<string> Splits = ["train", "val", "test", "trainval"];

    /// <summary>
    /// Writes the dataset into <paramref name="outputDir"/>, which must not exist or be empty;
    /// <paramref name="progress"/> receives the number of images written so far.
    /// </summary>
    public static SyntheticVocSummary Write(string outputDir, SyntheticVocOptions options, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(outputDir);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        IReadOnlyList<SyntheticClass> classes = SyntheticClass.Assign(options.Classes);
        string root = Path.GetFullPath(outputDir);
        if (File.Exists(root))
        {
            throw new UsageException($"{outputDir}: is a file; give a new or empty folder for the dataset");
        }
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
        {
            throw new UsageException($"{outputDir}: the folder is not empty; give a new or empty folder for the dataset");
        }
        string parent = Path.GetDirectoryName(root) ?? root;
        string temp = Path.Combine(parent, $".{Path.GetFileName(root)}.partial-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(Path.Combine(temp, "JPEGImages"));
            Directory.CreateDirectory(Path.Combine(temp, "Annotations"));
            Directory.CreateDirectory(Path.Combine(temp, "ImageSets", "Main"));
            SyntheticVocSummary summary = WriteInto(temp, options, classes, progress) with { Root = outputDir };
            if (Directory.Exists(root))
            {
                Directory.Delete(root);
            }
            Directory.Move(temp, root);
            return summary;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new InputDataException($"{outputDir}: cannot write the dataset: {e.Message}", e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>The id of image <paramref name="index"/> (0-based): six digits, VOC2007's style.</summary>
    public static string ImageId(int index) => (index + 1).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Draws image <paramref name="index"/> without writing it (tests look at its pixels and owners).</summary>
    internal static SyntheticScene Render(SyntheticVocOptions options, int index)
    {
        Validate(options);
        return new SceneRenderer(options, SyntheticClass.Assign(options.Classes)).Render(index);
    }

    /// <summary>Encodes a scene as this generator's JPEG (fixed quality and 4:2:0 subsampling, no metadata).</summary>
    internal static void SaveJpeg(SyntheticScene scene, Stream stream, int quality)
    {
        using Image<Rgb24> image = Image.LoadPixelData<Rgb24>(scene.Pixels, scene.Width, scene.Height);
        image.Metadata.ExifProfile = null;
        image.SaveAsJpeg(stream, new JpegEncoder { Quality = quality, ColorType = JpegColorType.YCbCrRatio420 });
    }

    private static SyntheticVocSummary WriteInto(string root, SyntheticVocOptions options, IReadOnlyList<SyntheticClass> classes, IProgress<int>? progress)
    {
        var renderer = new SceneRenderer(options, classes);
        var objects = new IReadOnlyList<SceneObject>[options.Images];
        int done = 0;
        Parallel.For(0, options.Images, index =>
        {
            SyntheticScene scene = renderer.Render(index);
            string id = ImageId(index);
            using (var stream = new FileStream(Path.Combine(root, "JPEGImages", id + ".jpg"), FileMode.CreateNew, FileAccess.Write))
            {
                SaveJpeg(scene, stream, options.JpegQuality);
            }
            var annotation = new VocAnnotation(id + ".jpg", scene.Width, scene.Height,
                scene.Objects.Select(o => new VocObject(classes[o.ClassIndex].Name, o.Box, o.Difficult, o.Truncated)).ToArray());
            VocAnnotationFile.Write(Path.Combine(root, "Annotations", id + ".xml"), annotation, folder: "Lumi synthetic");
            objects[index] = scene.Objects;
            progress?.Report(Interlocked.Increment(ref done));
        });

        IReadOnlyList<string[]> splits = SplitIds(options);
        for (int s = 0; s < Splits.Count; s++)
        {
            File.WriteAllLines(Path.Combine(root, "ImageSets", "Main", Splits[s] + ".txt"), splits[s]);
        }
        var perClass = new int[classes.Count];
        foreach (SceneObject o in objects.SelectMany(list => list))
        {
            perClass[o.ClassIndex]++;
        }
        return new SyntheticVocSummary
        {
            Root = root,
            Classes = classes,
            Images = options.Images,
            Objects = perClass.Sum(),
            DifficultObjects = objects.Sum(list => list.Count(o => o.Difficult)),
            TruncatedObjects = objects.Sum(list => list.Count(o => o.Truncated)),
            ObjectsPerClass = classes.Select((c, i) => KeyValuePair.Create(c.Name, perClass[i])).ToArray(),
            ImagesPerSplit = Splits.Select((name, i) => KeyValuePair.Create(name, splits[i].Length)).ToArray(),
        };
    }

    /// <summary>train, val, test, trainval: a seeded shuffle cut by the fractions, each list sorted.</summary>
    private static IReadOnlyList<string[]> SplitIds(SyntheticVocOptions options)
    {
        int[] order = Enumerable.Range(0, options.Images).ToArray();
        SeededRandom.For(options.Seed, -1, stream: 1).Shuffle(order);
        int train = (int)Math.Round(options.Images * options.TrainFraction, MidpointRounding.AwayFromZero);
        int val = Math.Min(options.Images - train, (int)Math.Round(options.Images * options.ValFraction, MidpointRounding.AwayFromZero));
        string[] Ids(IEnumerable<int> indices) => indices.Order().Select(ImageId).ToArray();
        return
        [
            Ids(order.Take(train)),
            Ids(order.Skip(train).Take(val)),
            Ids(order.Skip(train + val)),
            Ids(order.Take(train + val)),
        ];
    }

    private static void Validate(SyntheticVocOptions o)
    {
        static void Require(bool ok, string message)
        {
            if (!ok)
            {
                throw new UsageException(message);
            }
        }
        Require(o.Images >= 1, $"images must be at least 1, got {o.Images}");
        Require(o.Classes is { Count: >= 1 }, "classes: give at least one class name");
        Require(o.Classes.Count <= SyntheticVocOptions.MaxClasses, $"classes: at most {SyntheticVocOptions.MaxClasses} (eight shapes times eight colours), got {o.Classes.Count}");
        _ = new Classes.ClassList(o.Classes);
        Require(o.Classes.All(c => c != Classes.ClassList.Placeholder), $"classes: '{Classes.ClassList.Placeholder}' is a placeholder, not a class name");
        Require(o.Width is >= 32 and <= 8192 && o.Height is >= 32 and <= 8192, $"size must be between 32 and 8192 pixels a side, got {o.Width}x{o.Height}");
        Require(o.TrainFraction is >= 0 and <= 1 && o.ValFraction is >= 0 and <= 1 && o.TrainFraction + o.ValFraction <= 1,
            $"train and val fractions must be in [0, 1] and add up to at most 1, got {o.TrainFraction} and {o.ValFraction}");
        Require(o.MinObjects >= 0 && o.MaxObjects >= o.MinObjects && o.MaxObjects <= 50,
            $"objects per image must satisfy 0 <= min <= max <= 50, got {o.MinObjects}..{o.MaxObjects}");
        Require(o.MinScale > 0 && o.MaxScale >= o.MinScale && o.MaxScale <= 1,
            $"object scale must satisfy 0 < min <= max <= 1 (fractions of the shorter image side), got {o.MinScale}..{o.MaxScale}");
        Require(o.TinyObjectProbability is >= 0 and <= 1, $"tiny object probability must be in [0, 1], got {o.TinyObjectProbability}");
        Require(o.DifficultBelow is >= 0 and <= 1, $"difficult size must be in [0, 1], got {o.DifficultBelow}");
        Require(o.JpegQuality is >= 1 and <= 100, $"JPEG quality must be between 1 and 100, got {o.JpegQuality}");
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The temporary folder is left behind; the real one was never touched.
        }
    }
}
