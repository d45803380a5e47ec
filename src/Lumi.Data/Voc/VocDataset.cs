using Lumi.Data.Classes;
using Lumi.Data.Errors;
using Lumi.Data.Imaging;

namespace Lumi.Data.Voc;

/// <summary>
/// A split of one or more VOCdevkit roots (<c>Annotations/*.xml</c>, <c>ImageSets/Main/&lt;split&gt;.txt</c>,
/// <c>JPEGImages/</c>) — e.g. VOC2007 + VOC2012 "07+12" — read into images with clipped boxes and
/// class indices, plus a <see cref="VocReadSummary"/> counting every adjustment.
/// </summary>
public sealed class VocDataset
{
    /// <summary>Image extensions looked for, in order of preference; matched whatever their case.</summary>
    public static IReadOnlyList<string> ImageExtensions { get; } = [".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp"];

    private VocDataset(ClassList classes, IReadOnlyList<VocImage> images, VocReadSummary summary)
    {
        Classes = classes;
        Images = images;
        Summary = summary;
    }

    public ClassList Classes { get; }
    public IReadOnlyList<VocImage> Images { get; }
    public VocReadSummary Summary { get; }

    /// <summary>Reads the split; annotations are parsed in parallel, results keep the listed order (roots in order, ids as listed).</summary>
    public static VocDataset Load(VocReadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Roots.Count == 0)
        {
            throw new UsageException("no dataset given: name at least one VOCdevkit root (a folder with Annotations/, ImageSets/Main/ and JPEGImages/)");
        }
        var entries = new List<(string Root, string Id, string ImagePath, string AnnotationPath)>();
        foreach (string root in options.Roots)
        {
            CheckLayout(root);
            Dictionary<string, string> imageFiles = IndexImages(Path.Combine(root, "JPEGImages"));
            foreach (string id in ReadSplit(root, options.Split))
            {
                if (!imageFiles.TryGetValue(id, out string? imagePath))
                {
                    throw new InputDataException(
                        $"{root}: image '{id}' (ImageSets/Main/{options.Split}.txt) has no file in JPEGImages/; " +
                        $"looked for {string.Join(", ", ImageExtensions)} in any case");
                }
                entries.Add((root, id, imagePath, Path.Combine(root, "Annotations", id + ".xml")));
            }
        }

        var annotations = new VocAnnotation[entries.Count];
        var fromImage = new bool[entries.Count];
        var errors = new Exception?[entries.Count];
        var decoder = new ImageDecoder();
        Parallel.For(0, entries.Count, i =>
        {
            try
            {
                VocAnnotation annotation = VocAnnotationFile.Read(entries[i].AnnotationPath);
                if (!annotation.HasSize)
                {
                    ImageHeader header = decoder.Identify(entries[i].ImagePath);
                    annotation = annotation with { Width = header.Width, Height = header.Height };
                    fromImage[i] = true;
                }
                annotations[i] = annotation;
            }
            catch (Exception e) when (e is LumiException)
            {
                errors[i] = e;
            }
        });
        if (errors.FirstOrDefault(e => e is not null) is { } first)
        {
            throw first;
        }

        ClassList classes = options.Classes ?? Discover(annotations, options);
        var images = new List<VocImage>(entries.Count);
        var unknown = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int clipped = 0, empty = 0, negatives = 0, negativesDropped = 0, objects = 0, difficult = 0;
        for (int i = 0; i < entries.Count; i++)
        {
            VocAnnotation a = annotations[i];
            var kept = new List<VocObject>(a.Objects.Count);
            var indices = new List<int>(a.Objects.Count);
            foreach (VocObject o in a.Objects)
            {
                int index = classes.IndexOf(o.Name);
                if (index < 0)
                {
                    if (!options.IgnoreUnknownClasses)
                    {
                        throw new InputDataException(
                            $"{entries[i].AnnotationPath}: unknown class '{o.Name}'; known classes: {string.Join(", ", classes.Where((_, k) => !classes.IsPlaceholder(k)))} " +
                            "(set data.ignore_unknown_classes: true to skip such objects)");
                    }
                    unknown[o.Name] = unknown.GetValueOrDefault(o.Name) + 1;
                    continue;
                }
                VocBox box = o.Box.ClipTo(a.Width, a.Height);
                if (box.IsEmpty)
                {
                    empty++;
                    continue;
                }
                if (box != o.Box)
                {
                    clipped++;
                }
                kept.Add(box == o.Box ? o : o with { Box = box });
                indices.Add(index);
            }
            if (kept.Count == 0)
            {
                negatives++;
                if (!options.KeepNegatives)
                {
                    negativesDropped++;
                    continue;
                }
            }
            objects += kept.Count;
            difficult += kept.Count(o => o.Difficult);
            (string root, string id, string imagePath, string annotationPath) = entries[i];
            images.Add(new VocImage(root, id, imagePath, annotationPath, a.Width, a.Height, kept, indices));
        }
        var summary = new VocReadSummary
        {
            ImagesListed = entries.Count,
            Images = images.Count,
            Negatives = negatives,
            NegativesDropped = negativesDropped,
            Objects = objects,
            DifficultObjects = difficult,
            BoxesClipped = clipped,
            EmptyBoxesDropped = empty,
            UnknownClassesSkipped = unknown,
            SizesFromImage = fromImage.Count(f => f),
        };
        return new VocDataset(classes, images, summary);
    }

    /// <summary>The ids listed in <c>ImageSets/Main/&lt;split&gt;.txt</c> (first word of each non-blank line).</summary>
    public static IReadOnlyList<string> ReadSplit(string root, string split)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentException.ThrowIfNullOrWhiteSpace(split);
        string main = Path.Combine(root, "ImageSets", "Main");
        string path = Path.Combine(main, split + ".txt");
        if (!File.Exists(path))
        {
            string available = string.Join(", ", ListSplits(root));
            throw new InputDataException($"{root}: no split '{split}' (ImageSets/Main/{split}.txt); available: {(available.Length > 0 ? available : "none")}");
        }
        var ids = new List<string>();
        foreach (string line in File.ReadLines(path))
        {
            string trimmed = line.Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }
            int space = trimmed.IndexOfAny([' ', '\t']);
            ids.Add(space < 0 ? trimmed : trimmed[..space]);
        }
        return ids;
    }

    /// <summary>
    /// The split names of <paramref name="root"/>: the <c>ImageSets/Main/*.txt</c> files, sorted, without VOC's
    /// per-class lists (<c>&lt;class&gt;_&lt;split&gt;.txt</c>, whose names hold an underscore).
    /// </summary>
    public static IReadOnlyList<string> ListSplits(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        string main = Path.Combine(root, "ImageSets", "Main");
        return Directory.Exists(main)
            ? Directory.EnumerateFiles(main, "*.txt").Select(p => Path.GetFileNameWithoutExtension(p))
                .Where(n => n.Length > 0 && !n.Contains('_', StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray()
            : [];
    }

    internal static void CheckLayout(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new InputDataException($"{root}: dataset folder not found");
        }
        foreach (string sub in (string[])["Annotations", "ImageSets", "JPEGImages"])
        {
            if (!Directory.Exists(Path.Combine(root, sub)))
            {
                throw new InputDataException($"{root}: not a VOCdevkit root: it has no {sub}/ (expected Annotations/, ImageSets/Main/, JPEGImages/)");
            }
        }
    }

    /// <summary>Image files by id (file name without extension); where several share an id, the preferred extension wins.</summary>
    internal static Dictionary<string, string> IndexImages(string folder)
    {
        var best = new Dictionary<string, (int Rank, string Path)>(StringComparer.Ordinal);
        foreach (string path in Directory.EnumerateFiles(folder))
        {
            string extension = Path.GetExtension(path).ToLowerInvariant();
            int rank = IndexOf(ImageExtensions, extension);
            if (rank < 0)
            {
                continue;
            }
            string id = Path.GetFileNameWithoutExtension(path);
            if (!best.TryGetValue(id, out var current) || rank < current.Rank
                || (rank == current.Rank && string.CompareOrdinal(path, current.Path) < 0))
            {
                best[id] = (rank, path);
            }
        }
        return best.ToDictionary(p => p.Key, p => p.Value.Path, StringComparer.Ordinal);
    }

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] == value)
            {
                return i;
            }
        }
        return -1;
    }

    private static ClassList Discover(VocAnnotation[] annotations, VocReadOptions options)
    {
        string[] names = annotations.SelectMany(a => a.Objects).Select(o => o.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (names.Length == 0)
        {
            throw new InputDataException(
                $"no objects in split '{options.Split}' of {string.Join(", ", options.Roots)}: cannot discover the classes; give them with --classes");
        }
        return new ClassList(names);
    }
}
