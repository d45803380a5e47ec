using Lumi.Data.Errors;
using Lumi.Data.Inputs;

namespace Lumi.Data.Tests.Inputs;

public sealed class PredictInputsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lumi-inputs-").FullName;

    public PredictInputsTests()
    {
        foreach (string file in (string[])["b.jpg", "a.PNG", "notes.txt", "sub/c.jpg", "sub/deeper/d.jpeg", "sub/deeper/e.txt", "Z.jpg"])
        {
            string path = Path.Combine(_dir, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "x");
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void DirectoriesExpandInOrdinalOrderSkippingAndCountingOtherFiles()
    {
        InputExpansion flat = PredictInputs.Expand([_dir]);
        InputExpansion deep = PredictInputs.Expand([_dir], recursive: true);

        Assert.Equal(["Z.jpg", "a.PNG", "b.jpg"], Names(flat));
        Assert.Equal(1, flat.SkippedNonImages);
        Assert.Equal(["Z.jpg", "a.PNG", "b.jpg", "sub/c.jpg", "sub/deeper/d.jpeg"], Names(deep));
        Assert.Equal(2, deep.SkippedNonImages);
    }

    [Fact]
    public void GlobsMatchStarQuestionMarkAndDoubleStar()
    {
        Assert.Equal(["Z.jpg", "b.jpg", "sub/c.jpg"], Names(PredictInputs.Expand([$"{_dir}/**/?.jpg"])));
        Assert.Equal(["Z.jpg", "b.jpg"], Names(PredictInputs.Expand([$"{_dir}/*.jpg"])));
        Assert.Equal(["sub/deeper/d.jpeg"], Names(PredictInputs.Expand([$"{_dir}/sub/**/*.jpeg"])));
        Assert.True(Glob.IsMatch("photos/**/*.jpg", "photos/a.jpg"));
        Assert.True(Glob.IsMatch("photos/**/*.jpg", "photos/x/y/a.jpg"));
        Assert.False(Glob.IsMatch("photos/*.jpg", "photos/x/a.jpg"));
        Assert.False(Glob.IsMatch("photos/?.jpg", "photos/ab.jpg"));
    }

    [Fact]
    public void ListedFilesKeepTheirOrderAndListsResolveRelativeToThemselves()
    {
        string list = Path.Combine(_dir, "list.txt");
        File.WriteAllLines(list, ["b.jpg", "# a comment", "", "notes.txt", "sub/c.jpg", "a.PNG"]);

        InputExpansion result = PredictInputs.Expand(["@" + list, Path.Combine(_dir, "Z.jpg")]);

        Assert.Equal(["b.jpg", "notes.txt", "sub/c.jpg", "a.PNG", "Z.jpg"], Names(result));
        Assert.Equal(0, result.SkippedNonImages);
    }

    [Fact]
    public void MissingInputsAreNamed()
    {
        string missing = Path.Combine(_dir, "nope.jpg");
        Assert.Equal($"{missing}: no such file or directory", Assert.Throws<InputDataException>(() => PredictInputs.Expand([missing])).Message);
        Assert.Equal($"{missing}: list file not found", Assert.Throws<InputDataException>(() => PredictInputs.Expand(["@" + missing])).Message);
        Assert.Equal($"{_dir}/*.gif: no file matches the pattern", Assert.Throws<InputDataException>(() => PredictInputs.Expand([$"{_dir}/*.gif"])).Message);
    }

    private IEnumerable<string> Names(InputExpansion expansion) =>
        expansion.Files.Select(f => Path.GetRelativePath(_dir, f).Replace('\\', '/'));
}
