using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Lumi.Models.Checkpoints;
using Lumi.Models.FasterRcnn;
using TorchSharp;

namespace Lumi.Cli.Tests.Commands;

/// <summary>Checkpoint archives (good and malicious) and index entries for the <c>lumi checkpoint</c> tests.</summary>
public static class CheckpointFiles
{
    private static readonly Lazy<byte[]> TinyArchive = new(() =>
    {
        using var files = new TempFiles();
        string folder = Path.Combine(files.Dir, TinyCheckpoint.Id);
        WriteSmall(folder);
        string archive = Path.Combine(files.Dir, "tiny.tar.gz");
        SafeTarGz.Create(folder, archive);
        return File.ReadAllBytes(archive);
    });

    /// <summary>
    /// A <c>.tar.gz</c> of a small checkpoint (id 0123456789ab, name tiny, classes cat and dog, no alias) whose weights
    /// file is 64 000 random floats, not a model: the store checks hashes, not tensors. About 240 kB, made once.
    /// </summary>
    public static byte[] Tiny => TinyArchive.Value;

    /// <summary>The small checkpoint of <see cref="Tiny"/> as a folder.</summary>
    public static void WriteSmall(string folder, string id = TinyCheckpoint.Id, string? alias = null, CheckpointKind kind = CheckpointKind.Detector)
    {
        var options = new FasterRcnnOptions
        {
            NumClasses = 2,
            Backbone = new BackboneOptions { Name = "resnet18", FpnChannels = 32 },
            RoiHeads = new RoiHeadsOptions { RepresentationSize = 64 },
        };
        using var generator = new torch.Generator(7);
        using var weights = torch.rand(64_000, generator: generator);
        CheckpointWriter.Write(folder, new CheckpointInfo
        {
            Id = id, Name = "tiny", Alias = alias, Kind = kind, Arch = kind == CheckpointKind.Detector ? "fasterrcnn_resnet18_fpn" : "resnet18",
            Classes = kind == CheckpointKind.Detector ? new[] { "cat", "dog" } : Array.Empty<string>(),
            Dataset = new CheckpointDataset("test", 2), CreatedAt = DateTimeOffset.UnixEpoch, Model = options,
        }, new Dictionary<string, torch.Tensor> { ["w"] = weights });
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>An index entry for a detector archive.</summary>
    public static string Entry(string url, string sha256, long? size = null, string id = TinyCheckpoint.Id, string alias = "tiny", string kind = "detector") =>
        $$"""
        {"id": "{{id}}", "name": "tiny", "alias": "{{alias}}", "kind": "{{kind}}", "arch": "{{(kind == "detector" ? "fasterrcnn_resnet18_fpn" : "resnet18")}}",
         "dataset": {"name": "test", "num_classes": 2}, "url": "{{url}}", "sha256": "{{sha256}}"{{(size is long s ? $", \"size\": {s}" : "")}},
         "description": "a tiny test detector"}
        """;

    public static string Index(params string[] entries) => $"{{\"checkpoints\": [{string.Join(",\n", entries)}]}}";

    /// <summary>
    /// A <c>.tar.gz</c> holding a checkpoint folder's <c>checkpoint.json</c> and one hostile entry: a path that leaves
    /// the folder (<c>traversal</c>), an absolute path (<c>absolute</c>) or a symbolic link (<c>symlink</c>).
    /// </summary>
    public static (byte[] Bytes, string BadEntry) Malicious(string kind)
    {
        using var memory = new MemoryStream();
        string bad;
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "ckpt/"));
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "ckpt/checkpoint.json") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes("{}")) });
            TarEntry entry;
            switch (kind)
            {
                case "traversal":
                    bad = "ckpt/../../evil.txt";
                    entry = new PaxTarEntry(TarEntryType.RegularFile, bad) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes("pwned")) };
                    break;
                case "absolute":
                    bad = "/tmp/lumi-evil-absolute.txt";
                    entry = new PaxTarEntry(TarEntryType.RegularFile, bad) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes("pwned")) };
                    break;
                case "symlink":
                    bad = "ckpt/weights.safetensors";
                    entry = new PaxTarEntry(TarEntryType.SymbolicLink, bad) { LinkName = "/etc/passwd" };
                    break;
                default:
                    throw new ArgumentException(kind, nameof(kind));
            }
            writer.WriteEntry(entry);
        }
        return (memory.ToArray(), bad);
    }
}
