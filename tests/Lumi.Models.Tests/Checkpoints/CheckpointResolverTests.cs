using System.Formats.Tar;
using System.IO.Compression;
using Lumi.Models.Checkpoints;
using Lumi.Models.FasterRcnn;
using static TorchSharp.torch;

namespace Lumi.Models.Tests.Checkpoints;

public sealed class CheckpointResolverTests
{
    private static void WriteCheckpoint(string folder) =>
        CheckpointWriter.Write(folder, new CheckpointInfo
        {
            Id = CheckpointId.New(),
            Name = "tiny",
            Arch = "fasterrcnn_resnet50_fpn",
            Classes = new[] { "a" },
            Dataset = new CheckpointDataset("synthetic", 1),
            CreatedAt = DateTimeOffset.UtcNow,
            Model = new FasterRcnnOptions { NumClasses = 1 },
        }, new Dictionary<string, Tensor> { ["x"] = ones(2) });

    /// <summary>A .tar.gz with one entry per (type, name, link, data).</summary>
    private static void WriteTar(string path, params (TarEntryType Type, string Name, string? Link, byte[]? Data)[] entries)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var writer = new TarWriter(gzip, TarEntryFormat.Pax);
        foreach (var (type, name, link, data) in entries)
        {
            var entry = new PaxTarEntry(type, name);
            if (link is not null) entry.LinkName = link;
            if (data is not null) entry.DataStream = new MemoryStream(data);
            writer.WriteEntry(entry);
        }
    }

    [Fact]
    public void AFolderIsItself()
    {
        using var dir = new TempDir();
        WriteCheckpoint(dir["ckpt"]);
        using var r = CheckpointResolver.Resolve(dir["ckpt"]);
        Assert.Equal(CheckpointSource.Folder, r.Source);
        Assert.Equal(dir["ckpt"], r.Folder);
    }

    [Fact]
    public void ARunDirectoryMeansItsBestElseItsLast()
    {
        using var dir = new TempDir();
        WriteCheckpoint(dir["run/checkpoints/last"]);
        using (var last = CheckpointResolver.Resolve(dir["run"]))
        {
            Assert.Equal(CheckpointSource.RunLast, last.Source);
            Assert.Equal(dir["run/checkpoints/last"], last.Folder);
            Assert.Equal($"run {dir["run"]}: using checkpoints/last", last.Description);
        }
        WriteCheckpoint(dir["run/checkpoints/best"]);
        using var best = CheckpointResolver.Resolve(dir["run"]);
        Assert.Equal(CheckpointSource.RunBest, best.Source);
        Assert.Equal($"run {dir["run"]}: using checkpoints/best", best.Description);
    }

    [Fact]
    public void ARunsBestAndLastFoldersMayBeAtItsTop()
    {
        using var dir = new TempDir();
        WriteCheckpoint(dir["run/last"]);
        WriteCheckpoint(dir["run/checkpoints/last"]);
        using (var last = CheckpointResolver.Resolve(dir["run"]))
            Assert.Equal($"run {dir["run"]}: using last", last.Description);
        WriteCheckpoint(dir["run/best"]);
        using var best = CheckpointResolver.Resolve(dir["run"]);
        Assert.Equal(CheckpointSource.RunBest, best.Source);
        Assert.Equal(dir["run/best"], best.Folder);
    }

    [Fact]
    public void AFolderWithoutACheckpointSaysWhatWasExpected()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<InvalidDataException>(() => CheckpointResolver.Resolve(dir.Path));
        Assert.Equal($"{dir.Path} is not a checkpoint: expected a folder with checkpoint.json, a .tar.gz of one, or a run folder with best/ or last/ (or checkpoints/best/, checkpoints/last/).", e.Message);
    }

    [Fact]
    public void AnArchiveIsExtractedReadAndCleanedUp()
    {
        using var dir = new TempDir();
        WriteCheckpoint(dir["tiny"]);
        SafeTarGz.Create(dir["tiny"], dir["tiny.tar.gz"]);
        string extracted;
        using (var r = CheckpointResolver.Resolve(dir["tiny.tar.gz"]))
        {
            Assert.Equal(CheckpointSource.Archive, r.Source);
            extracted = r.Folder;
            using var ckpt = CheckpointReader.Read(r.Folder);
            Assert.Equal("tiny", ckpt.Info.Name);
            Assert.Equal(new float[] { 1, 1 }, ckpt.StateDict["x"].data<float>().ToArray());
        }
        Assert.False(Directory.Exists(extracted));
    }

    public static TheoryData<TarEntryType, string, string?, string> Refused => new()
    {
        { TarEntryType.RegularFile, "../x", null, "leaves the destination folder ('..')" },
        { TarEntryType.RegularFile, "ckpt/../../x", null, "leaves the destination folder ('..')" },
        { TarEntryType.RegularFile, "/tmp/lumi-evil", null, "is an absolute path" },
        { TarEntryType.SymbolicLink, "ckpt/weights.safetensors", "/etc/passwd", "is a symbolic link (to '/etc/passwd')" },
        { TarEntryType.HardLink, "ckpt/weights.safetensors", "/etc/passwd", "is a hard link (to '/etc/passwd')" },
        { TarEntryType.CharacterDevice, "ckpt/null", null, "is a character device" },
        { TarEntryType.Fifo, "ckpt/pipe", null, "is a FIFO" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void UnsafeEntriesAreRefusedByName(TarEntryType type, string name, string? link, string why)
    {
        using var dir = new TempDir();
        string archive = dir["evil.tar.gz"];
        WriteTar(archive,
            (TarEntryType.Directory, "ckpt/", null, null),
            (TarEntryType.RegularFile, "ckpt/checkpoint.json", null, "{}"u8.ToArray()),
            (type, name, link, type == TarEntryType.RegularFile ? "pwned"u8.ToArray() : null));
        var e = Assert.Throws<InvalidDataException>(() => CheckpointResolver.Resolve(archive));
        Assert.Equal($"Refusing to extract {archive}: entry '{name}' {why}.", e.Message);
        Assert.False(File.Exists(dir["x"]));
        Assert.False(File.Exists("/tmp/lumi-evil"));
    }

    [Fact]
    public void OversizedMembersAreRefused()
    {
        using var dir = new TempDir();
        string archive = dir["big.tar.gz"];
        WriteTar(archive, (TarEntryType.RegularFile, "ckpt/weights.safetensors", null, new byte[1000]));
        string target = dir["out"];
        var e = Assert.Throws<InvalidDataException>(() => SafeTarGz.Extract(archive, target, new TarLimits(999, 10_000, 10)));
        Assert.Equal($"Refusing to extract {archive}: entry 'ckpt/weights.safetensors' is 1000 bytes, over the limit of 999 bytes per file.", e.Message);
        Assert.False(Directory.Exists(target)); // nothing left behind
    }

    [Fact]
    public void ATruncatedArchiveIsNamed()
    {
        using var dir = new TempDir();
        WriteCheckpoint(dir["tiny"]);
        SafeTarGz.Create(dir["tiny"], dir["tiny.tar.gz"]);
        byte[] bytes = File.ReadAllBytes(dir["tiny.tar.gz"]);
        File.WriteAllBytes(dir["cut.tar.gz"], bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => CheckpointResolver.Resolve(dir["cut.tar.gz"]));
        Assert.Contains("truncated", e.Message);
        Assert.Contains(dir["cut.tar.gz"], e.Message);
    }
}
