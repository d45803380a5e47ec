using Lumi.Data.Errors;
using Lumi.Data.Voc;

namespace Lumi.Data.Conversion;

/// <summary>Writes converted images into a new VOCdevkit root: image files (copied or linked), annotations, the split and <c>classes.txt</c>.</summary>
internal static class VocOutput
{
    /// <summary>
    /// Prepares each image with <paramref name="prepare"/> (in parallel), writes those that succeed, and
    /// commits the folder; failures are collected in order. Fails as a whole only when no image is left.
    /// </summary>
    public static ConversionSummary Write<T>(
        string outputDir, IReadOnlyList<T> sources, Func<T, ConvertedImage> prepare, IReadOnlyList<string> classes, string split,
        bool symlink, IReadOnlyList<string> warnings, IProgress<(int Done, int Total)>? progress)
    {
        if (string.IsNullOrWhiteSpace(split) || split.IndexOfAny([.. Path.GetInvalidFileNameChars(), '_', ' ']) >= 0)
        {
            throw new UsageException($"--split: '{split}' is not a split name; use letters and digits, e.g. trainval");
        }
        using var folder = new NewVocFolder(outputDir);
        var images = new ConvertedImage[sources.Count];
        var taken = new Dictionary<string, string>(StringComparer.Ordinal);
        int done = 0;
        // Ids are claimed in input order, so which of two same-stem files fails does not depend on threads.
        var claims = new string?[sources.Count];
        Parallel.For(0, sources.Count, i =>
        {
            images[i] = prepare(sources[i]);
        });
        for (int i = 0; i < images.Length; i++)
        {
            if (images[i].Failure is null && !taken.TryAdd(images[i].Id, images[i].SourcePath))
            {
                images[i] = images[i] with { Failure = $"{images[i].SourcePath}: its id '{images[i].Id}' is already taken by {taken[images[i].Id]}; VOC names images by file stem" };
            }
            claims[i] = images[i].Failure;
        }
        Parallel.For(0, images.Length, i =>
        {
            ConvertedImage image = images[i];
            if (image.Failure is null)
            {
                try
                {
                    string target = folder.ImagePath(image.Id + Path.GetExtension(image.SourcePath));
                    if (symlink)
                    {
                        File.CreateSymbolicLink(target, Path.GetFullPath(image.SourcePath));
                    }
                    else
                    {
                        File.Copy(image.SourcePath, target);
                    }
                    var annotation = new VocAnnotation(Path.GetFileName(target), image.Width, image.Height, image.Objects);
                    VocAnnotationFile.Write(folder.AnnotationPath(image.Id), annotation);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    claims[i] = $"{image.SourcePath}: cannot copy into the dataset: {e.Message}";
                }
            }
            progress?.Report((Interlocked.Increment(ref done), sources.Count));
        });
        string[] written = images.Where((_, i) => claims[i] is null).Select(image => image.Id).ToArray();
        string[] failures = claims.OfType<string>().ToArray();
        if (written.Length == 0)
        {
            throw new InputDataException(sources.Count == 0
                ? $"{outputDir}: nothing to convert: no images were found"
                : $"{outputDir}: no image could be converted; first problem: {failures[0]}");
        }
        folder.WriteSplit(split, written.Order(StringComparer.Ordinal));
        folder.Guard(() => File.WriteAllLines(Path.Combine(folder.Root, "classes.txt"), classes));
        folder.Commit();
        ConvertedImage[] kept = images.Where((_, i) => claims[i] is null).ToArray();
        return new ConversionSummary
        {
            Root = outputDir,
            Split = split,
            Classes = classes,
            Images = kept.Length,
            ImagesWithoutObjects = kept.Count(image => image.Objects.Count == 0),
            Objects = kept.Sum(image => image.Objects.Count),
            Failures = failures,
            Warnings = [.. warnings, .. kept.SelectMany(image => image.Warnings)],
        };
    }
}
