using System.Globalization;
using Lumi.Data.Classes;
using Lumi.Data.Errors;
using Lumi.Data.Imaging;

namespace Lumi.Data.Voc;

/// <summary>
/// Validates a VOCdevkit root without training: reads every annotation and image header of the chosen
/// splits (in parallel), goes on past each problem, and reports all of them with the file they are in,
/// along with per-class counts, image sizes and objects per image. It applies the rules of
/// <see cref="VocDataset.Load"/> — clipping, empty boxes, unknown classes, sizes from the image — and, when it
/// finds no error, also reads each split with <see cref="VocDataset.Load"/> and reports its summary.
/// </summary>
public static class VocCheck
{
    /// <summary>
    /// Checks <see cref="VocCheckOptions.Root"/>. A root that is not a VOCdevkit layout, or a split that does
    /// not exist, is an <see cref="InputDataException"/> (nothing else can be checked); everything else is a
    /// <see cref="VocProblem"/> in the report. <paramref name="progress"/> receives the number of images checked.
    /// </summary>
    public static VocCheckReport Run(VocCheckOptions options, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        string root = options.Root;
        VocDataset.CheckLayout(root);
        IReadOnlyList<string> splits = options.Splits.Count > 0 ? options.Splits : VocDataset.ListSplits(root);
        if (splits.Count == 0)
        {
            throw new InputDataException($"{root}: no split files in ImageSets/Main/ (one id per line, e.g. trainval.txt)");
        }
        var problems = new List<VocProblem>();
        var ids = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var splitCounts = new List<KeyValuePair<string, int>>();
        foreach (string split in splits)
        {
            IReadOnlyList<string> listed = VocDataset.ReadSplit(root, split);
            splitCounts.Add(KeyValuePair.Create(split, listed.Count));
            foreach (var repeated in listed.GroupBy(id => id, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                problems.Add(new VocProblem(false, $"{SplitPath(root, split)}: '{repeated.Key}' is listed {repeated.Count()} times; it is read as many times"));
            }
            ids.AddRange(listed.Where(seen.Add));
        }

        Dictionary<string, string> imageFiles = VocDataset.IndexImages(Path.Combine(root, "JPEGImages"));
        var decoder = new ImageDecoder(options.MaxPixels, applyOrientation: false);
        var entries = new Entry[ids.Count];
        int done = 0;
        Parallel.For(0, ids.Count, i =>
        {
            entries[i] = CheckFiles(root, ids[i], imageFiles, decoder, options.Decode);
            progress?.Report(Interlocked.Increment(ref done));
        });

        ClassList classes = options.Classes ?? Discover(entries);
        var perClass = new (int Objects, int Difficult, int Truncated, int Images)[classes.Count];
        int read = 0, negatives = 0, minW = int.MaxValue, maxW = 0, minH = int.MaxValue, maxH = 0, minObjects = int.MaxValue, maxObjects = 0;
        long totalObjects = 0;
        foreach (Entry entry in entries)
        {
            problems.AddRange(entry.Problems);
            if (entry.Annotation is not { } annotation)
            {
                continue;
            }
            read++;
            (minW, maxW, minH, maxH) = (Math.Min(minW, annotation.Width), Math.Max(maxW, annotation.Width), Math.Min(minH, annotation.Height), Math.Max(maxH, annotation.Height));
            var classesHere = new HashSet<int>();
            int kept = 0;
            for (int k = 0; k < annotation.Objects.Count; k++)
            {
                VocObject o = annotation.Objects[k];
                string where = $"{entry.AnnotationPath}: object {k + 1} '{o.Name}'";
                int index = classes.IndexOf(o.Name);
                if (index < 0)
                {
                    problems.Add(new VocProblem(true, $"{where}: unknown class; known classes: {string.Join(", ", classes.Where((_, n) => !classes.IsPlaceholder(n)))}"));
                    continue;
                }
                VocBox box = o.Box.ClipTo(annotation.Width, annotation.Height);
                if (box.IsEmpty)
                {
                    problems.Add(new VocProblem(false, $"{where}: box {Describe(o.Box)} has no area inside the {annotation.Width}x{annotation.Height} image; it is dropped"));
                    continue;
                }
                if (box != o.Box)
                {
                    problems.Add(new VocProblem(false, $"{where}: box {Describe(o.Box)} reaches outside the {annotation.Width}x{annotation.Height} image; it is clipped"));
                }
                kept++;
                classesHere.Add(index);
                perClass[index].Objects++;
                perClass[index].Difficult += o.Difficult ? 1 : 0;
                perClass[index].Truncated += o.Truncated ? 1 : 0;
            }
            foreach (int index in classesHere)
            {
                perClass[index].Images++;
            }
            negatives += kept == 0 ? 1 : 0;
            minObjects = Math.Min(minObjects, kept);
            maxObjects = Math.Max(maxObjects, kept);
            totalObjects += kept;
        }

        var summaries = new List<KeyValuePair<string, string>>();
        if (problems.All(p => !p.IsError))
        {
            foreach (string split in splits)
            {
                VocDataset data = VocDataset.Load(new VocReadOptions { Roots = [root], Split = split, Classes = classes });
                summaries.Add(KeyValuePair.Create(split, data.Summary.ToString()));
            }
        }
        return new VocCheckReport
        {
            Root = root,
            Splits = splitCounts,
            Images = ids.Count,
            ImagesRead = read,
            ImagesWithoutObjects = negatives,
            MinWidth = read > 0 ? minW : 0,
            MaxWidth = maxW,
            MinHeight = read > 0 ? minH : 0,
            MaxHeight = maxH,
            MinObjectsPerImage = read > 0 ? minObjects : 0,
            MaxObjectsPerImage = maxObjects,
            MeanObjectsPerImage = read > 0 ? (double)totalObjects / read : 0,
            Classes = classes.Select((name, i) => (name, i)).Where(p => !classes.IsPlaceholder(p.i))
                .Select(p => new VocClassCount(p.name, perClass[p.i].Objects, perClass[p.i].Difficult, perClass[p.i].Truncated, perClass[p.i].Images)).ToArray(),
            Problems = problems,
            ReaderSummaries = summaries,
        };
    }

    private sealed record Entry(string AnnotationPath, VocAnnotation? Annotation, IReadOnlyList<VocProblem> Problems);

    /// <summary>The image file, its header (or all of it), and the annotation of one id; the annotation is returned when both could be read.</summary>
    private static Entry CheckFiles(string root, string id, Dictionary<string, string> imageFiles, ImageDecoder decoder, bool decode)
    {
        string annotationPath = Path.Combine(root, "Annotations", id + ".xml");
        var problems = new List<VocProblem>();
        VocAnnotation? annotation = null;
        try
        {
            annotation = VocAnnotationFile.Read(annotationPath);
        }
        catch (InputDataException e)
        {
            problems.Add(new VocProblem(true, e.Message));
        }
        if (!imageFiles.TryGetValue(id, out string? imagePath))
        {
            problems.Add(new VocProblem(true, $"{Path.Combine(root, "JPEGImages")}: no image file for '{id}'; looked for {string.Join(", ", VocDataset.ImageExtensions)} in any case"));
            return new Entry(annotationPath, null, problems);
        }
        ImageHeader header;
        try
        {
            header = decoder.Identify(imagePath);
            decoder.CheckPixelCount(header, imagePath);
            if (decode)
            {
                decoder.Decode(imagePath);
            }
        }
        catch (InputDataException e)
        {
            problems.Add(new VocProblem(true, e.Message));
            return new Entry(annotationPath, null, problems);
        }
        if (annotation is null)
        {
            return new Entry(annotationPath, null, problems);
        }
        if (!annotation.HasSize)
        {
            problems.Add(new VocProblem(false, $"{annotationPath}: no usable <size>; the image's {header.Width}x{header.Height} is used"));
            annotation = annotation with { Width = header.Width, Height = header.Height };
        }
        else if ((annotation.Width, annotation.Height) != (header.Width, header.Height)
            && (annotation.Width, annotation.Height) != (header.OrientedWidth, header.OrientedHeight))
        {
            problems.Add(new VocProblem(false,
                $"{annotationPath}: <size> is {annotation.Width}x{annotation.Height} but {Path.GetFileName(imagePath)} is {header.Width}x{header.Height}; " +
                "boxes are read against the annotated size and may not match the pixels"));
        }
        return new Entry(annotationPath, annotation, problems);
    }

    private static ClassList Discover(Entry[] entries)
    {
        string[] names = entries.Where(e => e.Annotation is not null).SelectMany(e => e.Annotation!.Objects)
            .Select(o => o.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return names.Length > 0 ? new ClassList(names) : new ClassList([ClassList.Placeholder]);
    }

    private static string SplitPath(string root, string split) => Path.Combine(root, "ImageSets", "Main", split + ".txt");

    /// <summary>The box as VOC writes it (1-based): <c>[xmin, ymin, xmax, ymax]</c>.</summary>
    private static string Describe(VocBox box) =>
        string.Create(CultureInfo.InvariantCulture, $"[{box.X1 + 1}, {box.Y1 + 1}, {box.X2}, {box.Y2}]");
}
