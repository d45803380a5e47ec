using Lumi.Data.Errors;

namespace Lumi.Data.Voc;

/// <summary>
/// A VOCdevkit root being written: the layout (<c>Annotations/</c>, <c>ImageSets/Main/</c>, <c>JPEGImages/</c>)
/// is built in a hidden temporary sibling of the target folder and renamed into place by <see cref="Commit"/>,
/// so an interrupted run never leaves a half-written dataset under the real name. Disposing without
/// committing removes the temporary folder. The target must be new or empty.
/// </summary>
internal sealed class NewVocFolder : IDisposable
{
    private bool _committed;

    public NewVocFolder(string outputDir)
    {
        ArgumentNullException.ThrowIfNull(outputDir);
        Name = outputDir;
        Target = Path.GetFullPath(outputDir);
        if (File.Exists(Target))
        {
            throw new UsageException($"{outputDir}: is a file; give a new or empty folder for the dataset");
        }
        if (Directory.Exists(Target) && Directory.EnumerateFileSystemEntries(Target).Any())
        {
            throw new UsageException($"{outputDir}: the folder is not empty; give a new or empty folder for the dataset");
        }
        string parent = Path.GetDirectoryName(Target) ?? Target;
        Root = Path.Combine(parent, $".{Path.GetFileName(Target)}.partial-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Guard(() =>
        {
            Directory.CreateDirectory(Path.Combine(Root, "JPEGImages"));
            Directory.CreateDirectory(Path.Combine(Root, "Annotations"));
            Directory.CreateDirectory(Path.Combine(Root, "ImageSets", "Main"));
        });
    }

    /// <summary>The folder as the caller named it (for messages).</summary>
    public string Name { get; }

    /// <summary>The final location.</summary>
    public string Target { get; }

    /// <summary>Where files are written until <see cref="Commit"/>.</summary>
    public string Root { get; }

    public string ImagePath(string fileName) => Path.Combine(Root, "JPEGImages", fileName);

    public string AnnotationPath(string id) => Path.Combine(Root, "Annotations", id + ".xml");

    public void WriteSplit(string split, IEnumerable<string> ids) =>
        Guard(() => File.WriteAllLines(Path.Combine(Root, "ImageSets", "Main", split + ".txt"), ids));

    /// <summary>Renames the finished dataset to its real name.</summary>
    public void Commit()
    {
        Guard(() =>
        {
            if (Directory.Exists(Target))
            {
                Directory.Delete(Target);
            }
            Directory.Move(Root, Target);
        });
        _committed = true;
    }

    /// <summary>Runs <paramref name="write"/>, turning a file-system failure into an error naming the dataset folder.</summary>
    public void Guard(Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputDataException($"{Name}: cannot write the dataset: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        if (_committed)
        {
            return;
        }
        try
        {
            if (Directory.Exists(Root))
            {
                Directory.Delete(Root, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The temporary folder is left behind; the real one was never touched.
        }
    }
}
