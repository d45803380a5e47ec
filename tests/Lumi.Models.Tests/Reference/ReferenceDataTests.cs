namespace Lumi.Models.Tests.Reference;

public sealed class ReferenceDataTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("lumi-reference-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void RunsTheScriptOnceAndCachesItsOutputByContent()
    {
        File.WriteAllText(Path.Combine(dir, "counter.py"),
            "import sys\nopen(sys.argv[1], 'wb').write(b'x')\nopen(sys.argv[1] + '.runs', 'a').close()\n");
        string first = ReferenceData.Get("counter.py", dir, ReferenceData.DefaultPython);
        string second = ReferenceData.Get("counter.py", dir, ReferenceData.DefaultPython);
        Assert.Equal(first, second);
        Assert.True(File.Exists(first));
        Assert.StartsWith(Path.Combine(dir, "out", "counter-"), first);

        File.AppendAllText(Path.Combine(dir, "counter.py"), "# changed\n");
        Assert.NotEqual(first, ReferenceData.Get("counter.py", dir, ReferenceData.DefaultPython));
    }

    [Fact]
    public void AMissingInterpreterNamesTheDebianPackage()
    {
        File.WriteAllText(Path.Combine(dir, "any.py"), "pass\n");
        var e = Assert.Throws<InvalidOperationException>(() => ReferenceData.Get("any.py", dir, "/nonexistent/python3"));
        Assert.Contains("needs /nonexistent/python3, which does not exist", e.Message);
        Assert.Contains("apt-get install python3-torchvision", e.Message);
    }

    [Fact]
    public void AMissingScriptListsTheAvailableOnes()
    {
        File.WriteAllText(Path.Combine(dir, "b.py"), "");
        File.WriteAllText(Path.Combine(dir, "a.py"), "");
        var e = Assert.Throws<FileNotFoundException>(() => ReferenceData.Get("nope.py", dir, ReferenceData.DefaultPython));
        Assert.Equal($"No reference script 'nope.py' in {dir}. Available: a.py, b.py.", e.Message);
    }

    [Fact]
    public void AFailingScriptReportsItsError()
    {
        File.WriteAllText(Path.Combine(dir, "fails.py"), "import sys\nsys.stderr.write('boom\\n')\nsys.exit(3)\n");
        var e = Assert.Throws<InvalidOperationException>(() => ReferenceData.Get("fails.py", dir, ReferenceData.DefaultPython));
        Assert.StartsWith("fails.py failed with exit code 3:", e.Message);
        Assert.Contains("boom", e.Message);
    }
}
