using System.Diagnostics;
using System.Text.Json;
using Lumi.Data.Classes;
using Lumi.Data.Errors;

namespace Lumi.Data.Tests.Classes;

public sealed class ClassListTests
{
    [Fact]
    public void VocPresetIsTheTwentyVocClasses()
    {
        ClassList voc = ClassList.Parse("voc");
        Assert.Equal(20, voc.Count);
        Assert.Equal("aeroplane", voc[0]);
        Assert.Equal("tvmonitor", voc[19]);
        Assert.Equal(voc.OrderBy(n => n, StringComparer.Ordinal), voc);
    }

    [Fact]
    public void CocoPresetIsTorchvisionsNinetySlotsWithoutBackground()
    {
        ClassList coco = ClassList.Parse("coco");
        Assert.Equal(90, coco.Count);
        Assert.DoesNotContain("__background__", coco);
        // slot L-1 is COCO category id L
        Assert.Equal("person", coco[1 - 1]);
        Assert.Equal("N/A", coco[12 - 1]);
        Assert.Equal("stop sign", coco[13 - 1]);
        Assert.Equal("bottle", coco[44 - 1]);
        Assert.Equal("N/A", coco[83 - 1]);
        Assert.Equal("toothbrush", coco[90 - 1]);
        Assert.Equal(10, coco.Count(n => n == ClassList.Placeholder));
        Assert.True(coco.IsPlaceholder(11));
        Assert.Equal(-1, coco.IndexOf("N/A"));
        Assert.Equal(43, coco.IndexOf("bottle"));
    }

    /// <summary>The oracle: torchvision's own list (Debian's python3-torchvision), when it is installed.</summary>
    [Fact]
    public void CocoPresetMatchesTorchvisionWhenAvailable()
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python))
        {
            return;
        }
        var start = new ProcessStartInfo(python, ["-c",
            "import json\ntry:\n from torchvision.models.detection.faster_rcnn import FasterRCNN_ResNet50_FPN_Weights as W\n"
            + " print(json.dumps(W.COCO_V1.meta['categories']))\nexcept ImportError:\n print('null')"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process p = Process.Start(start)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        string[]? torchvision = JsonSerializer.Deserialize<string[]?>(output.Trim());
        if (torchvision is null)
        {
            return; // torchvision not installed here; .ci/run installs it
        }
        Assert.Equal("__background__", torchvision[0]);
        Assert.Equal(torchvision.Skip(1), ClassList.Coco);
    }

    [Theory]
    [InlineData("cat,dog, bird ", new[] { "cat", "dog", "bird" })]
    [InlineData("person", new[] { "person" })]
    [InlineData("a b,c d", new[] { "a b", "c d" })]
    public void CommaSeparatedList(string spec, string[] names)
    {
        Assert.Equal(names, ClassList.Parse(spec));
    }

    [Theory]
    [InlineData("cat,,dog", "--classes: name 2 of 'cat,,dog' is empty")]
    [InlineData("cat,dog,", "--classes: name 3 of 'cat,dog,' is empty")]
    [InlineData("cat,dog,cat", "--classes: 'cat' appears twice in 'cat,dog,cat'")]
    [InlineData("  ", "--classes: empty; use a preset (voc, coco), a file with one name per line, or a comma-separated list")]
    public void BadListsAreUsageErrors(string spec, string message)
    {
        var e = Assert.Throws<UsageException>(() => ClassList.Parse(spec));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void AMissingFileIsBadInput()
    {
        var e = Assert.Throws<InputDataException>(() => ClassList.Parse("data/classes.txt"));
        Assert.Equal("--classes: file 'data/classes.txt' not found; use a preset (voc, coco), a file with one name per line, or a comma-separated list", e.Message);
    }

    [Fact]
    public void FileWithOneNamePerLine()
    {
        using var file = new TempFile("cat\n  dog \nN/A\nN/A\nbird\n\n");
        Assert.Equal(new[] { "cat", "dog", "N/A", "N/A", "bird" }, ClassList.Parse(file.Path));
    }

    [Theory]
    [InlineData("cat\n\ndog\n", ":2: blank class name; write one name per line")]
    [InlineData("cat\n   \ndog\n", ":2: blank class name; write one name per line")]
    [InlineData("cat\ndog\nbird\ndog\n", ":4: duplicate class name 'dog' (first on line 2)")]
    public void FileErrorsNameFileAndLine(string text, string suffix)
    {
        using var file = new TempFile(text);
        var e = Assert.Throws<InputDataException>(() => ClassList.Parse(file.Path));
        Assert.Equal(file.Path + suffix, e.Message);
    }

    [Fact]
    public void AnEmptyFileIsBadInput()
    {
        using var file = new TempFile("\n\n");
        var e = Assert.Throws<InputDataException>(() => ClassList.Parse(file.Path));
        Assert.Equal($"{file.Path}: no class names; write one name per line", e.Message);
    }

    private sealed class TempFile : IDisposable
    {
        public TempFile(string text)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"lumi-classes-{Guid.NewGuid():N}.txt");
            File.WriteAllText(Path, text);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
