using Lumi.Data.Classes;
using Lumi.Data.Errors;
using Lumi.Data.Imaging;
using Lumi.Data.Synthetic;
using Lumi.Data.Voc;

namespace Lumi.Data.Tests.Synthetic;

public sealed class SyntheticVocTests : IDisposable
{
    private static readonly SyntheticVocOptions Small = new() { Images = 24, Width = 128, Height = 96, Seed = 7 };

    private readonly string _directory = Directory.CreateTempSubdirectory("lumi-synth-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void TheSameSeedWritesTheSameBytesAndAnotherSeedOtherImages()
    {
        string a = Path.Combine(_directory, "a"), b = Path.Combine(_directory, "b"), c = Path.Combine(_directory, "c");
        SyntheticVoc.Write(a, Small);
        SyntheticVoc.Write(b, Small);
        SyntheticVoc.Write(c, Small with { Seed = 8 });

        string[] files = Directory.GetFiles(a, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(a, f)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(24 * 2 + 4, files.Length);
        Assert.Equal(files, Directory.GetFiles(b, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(b, f)).Order(StringComparer.Ordinal));
        foreach (string file in files)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(a, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, file))), file);
        }
        string first = Path.Combine("JPEGImages", "000001.jpg");
        Assert.False(File.ReadAllBytes(Path.Combine(a, first)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(c, first))));
    }

    [Fact]
    public void EachBoxIsTheTightExtentOfItsObjectsVisiblePixelsWhichHaveItsColour()
    {
        int objects = 0, occluded = 0;
        for (int index = 0; index < 30; index++)
        {
            SyntheticScene scene = SyntheticVoc.Render(Small with { Width = 160, Height = 120 }, index);
            for (int k = 0; k < scene.Objects.Count; k++)
            {
                SceneObject o = scene.Objects[k];
                int minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1, count = 0;
                for (int y = 0; y < scene.Height; y++)
                {
                    for (int x = 0; x < scene.Width; x++)
                    {
                        int p = y * scene.Width + x;
                        if (scene.Owner[p] != k)
                        {
                            continue;
                        }
                        (minX, minY, maxX, maxY, count) = (Math.Min(minX, x), Math.Min(minY, y), Math.Max(maxX, x), Math.Max(maxY, y), count + 1);
                        // Shading moves a channel by at most 18 % of two ±1 terms (36 %), the noise by a few levels.
                        for (int c = 0; c < 3; c++)
                        {
                            int painted = c switch { 0 => o.Colour.R, 1 => o.Colour.G, _ => o.Colour.B };
                            Assert.InRange(scene.Pixels[3 * p + c], painted * 0.64 - 25, painted * 1.36 + 25);
                        }
                    }
                }
                Assert.Equal(new VocBox(minX, minY, maxX + 1, maxY + 1), o.Box);
                Assert.Equal(count, o.VisiblePixels);
                Assert.True(o.VisibleFraction >= 0.55, $"image {index} object {k} is {o.VisibleFraction:P0} visible");
                objects++;
                occluded += o.VisiblePixels < o.ShapePixels ? 1 : 0;
            }
        }
        Assert.True(objects > 60 && occluded > 5, $"{objects} objects, {occluded} partly hidden");
    }

    [Fact]
    public void TheLayoutReadsBackWithTheSameBoxesAndDisjointCompleteSplits()
    {
        string root = Path.Combine(_directory, "voc");
        var progress = new List<int>();
        SyntheticVocSummary summary = SyntheticVoc.Write(root, Small, new SyncProgress(progress));

        Assert.Equal(Enumerable.Range(1, 24), progress.Order());
        var ids = new Dictionary<string, IReadOnlyList<string>>();
        foreach (string split in SyntheticVoc.Splits)
        {
            VocDataset data = VocDataset.Load(new VocReadOptions { Roots = [root], Split = split, Classes = new ClassList(Small.Classes) });
            ids[split] = data.Images.Select(i => i.Id).ToArray();
            Assert.Equal(0, data.Summary.BoxesClipped + data.Summary.EmptyBoxesDropped);
            foreach (VocImage image in data.Images)
            {
                int index = int.Parse(image.Id, System.Globalization.CultureInfo.InvariantCulture) - 1;
                SyntheticScene scene = SyntheticVoc.Render(Small, index);
                Assert.Equal(scene.Objects.Select(o => (o.ClassIndex, o.Box, o.Difficult, o.Truncated)),
                    image.Objects.Select((o, i) => (image.ClassIndices[i], o.Box, o.Difficult, o.Truncated)));
                Assert.Equal((128, 96), (image.Width, image.Height));
            }
        }
        Assert.Equal([17, 4, 3, 21], SyntheticVoc.Splits.Select(s => ids[s].Count));
        Assert.Empty(ids["train"].Intersect(ids["val"]));
        Assert.Empty(ids["train"].Intersect(ids["test"]));
        Assert.Empty(ids["val"].Intersect(ids["test"]));
        Assert.Equal(Enumerable.Range(0, 24).Select(SyntheticVoc.ImageId), ids["train"].Concat(ids["val"]).Concat(ids["test"]).Order(StringComparer.Ordinal));
        Assert.Equal(ids["train"].Concat(ids["val"]).Order(StringComparer.Ordinal), ids["trainval"]);
        Assert.Equal(root, summary.Root);
        Assert.Equal([("train", 17), ("val", 4), ("test", 3), ("trainval", 21)], summary.ImagesPerSplit.Select(p => (p.Key, p.Value)));
        Assert.Empty(Directory.GetDirectories(_directory, ".*"));

        var decoded = new ImageDecoder().Decode(Path.Combine(root, "JPEGImages", "000001.jpg"));
        Assert.Equal((128, 96), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void ADatasetHasOverlapsTruncatedAndDifficultObjectsOfEveryClass()
    {
        SyntheticVocSummary summary = SyntheticVoc.Write(Path.Combine(_directory, "voc"), Small with { Images = 60 });

        Assert.All(summary.ObjectsPerClass, p => Assert.True(p.Value > 20, $"{p.Key}: {p.Value}"));
        Assert.InRange(summary.Objects, 60 * 2, 60 * 3.5);
        Assert.InRange(summary.TruncatedObjects, 5, summary.Objects / 2);
        Assert.InRange(summary.DifficultObjects, 2, summary.Objects / 5);
    }

    [Fact]
    public void ClassesGetDistinctShapesAndColoursAndShapeNamesTheirShape()
    {
        IReadOnlyList<SyntheticClass> three = SyntheticClass.Assign(["triangle", "dog", "circle"]);
        Assert.Equal(["red triangle", "green square", "blue circle"], three.Select(c => c.Describe()));

        IReadOnlyList<SyntheticClass> many = SyntheticClass.Assign(Enumerable.Range(0, 64).Select(i => $"c{i}").ToArray());
        Assert.Equal(64, many.Select(c => (c.Shape, c.Colour)).Distinct().Count());
        Assert.Equal(8, many.Take(8).Select(c => c.Colour).Distinct().Count());
    }

    [Fact]
    public void BadOptionsAndANonEmptyFolderAreUsageErrors()
    {
        string full = Path.Combine(_directory, "full");
        Directory.CreateDirectory(full);
        File.WriteAllText(Path.Combine(full, "x.txt"), "");

        Assert.Equal($"{full}: the folder is not empty; give a new or empty folder for the dataset",
            Assert.Throws<UsageException>(() => SyntheticVoc.Write(full, Small)).Message);
        Assert.Equal("images must be at least 1, got 0",
            Assert.Throws<UsageException>(() => SyntheticVoc.Write(Path.Combine(_directory, "x"), Small with { Images = 0 })).Message);
        Assert.Equal("size must be between 32 and 8192 pixels a side, got 16x96",
            Assert.Throws<UsageException>(() => SyntheticVoc.Write(Path.Combine(_directory, "x"), Small with { Width = 16 })).Message);
        Assert.Equal("class name 'a' appears twice",
            Assert.Throws<UsageException>(() => SyntheticVoc.Write(Path.Combine(_directory, "x"), Small with { Classes = ["a", "a"] })).Message);
        Assert.Equal("train and val fractions must be in [0, 1] and add up to at most 1, got 0.9 and 0.2",
            Assert.Throws<UsageException>(() => SyntheticVoc.Write(Path.Combine(_directory, "x"), Small with { TrainFraction = 0.9, ValFraction = 0.2 })).Message);
        Assert.False(Directory.Exists(Path.Combine(_directory, "x")));
    }

    /// <summary>Records reports as they come (Progress&lt;T&gt; would post them to the thread pool).</summary>
    private sealed class SyncProgress(List<int> values) : IProgress<int>
    {
        public void Report(int value)
        {
            lock (values)
            {
                values.Add(value);
            }
        }
    }
}
