using Lumi.Models.Checkpoints;
using Lumi.Models.FasterRcnn;

namespace Lumi.Cli.Tests;

/// <summary>A checkpoint folder holding a tiny random R18-FPN with classes cat and dog (id 0123456789ab).</summary>
public static class TinyCheckpoint
{
    public const string Id = "0123456789ab";

    public static void Write(string folder, TransformOptions? transform = null, string id = Id, string? alias = null)
    {
        var options = new FasterRcnnOptions
        {
            NumClasses = 2,
            Transform = transform ?? new TransformOptions(),
            Backbone = new BackboneOptions { Name = "resnet18", FpnChannels = 32 },
            RoiHeads = new RoiHeadsOptions { RepresentationSize = 64 },
        };
        using var model = new FasterRcnn(options);
        CheckpointWriter.Write(folder, new CheckpointInfo
        {
            Id = id, Name = "tiny", Alias = alias, Arch = "fasterrcnn_resnet18_fpn", Classes = new[] { "cat", "dog" },
            Dataset = new CheckpointDataset("test", 2), CreatedAt = DateTimeOffset.UnixEpoch, Model = options,
        }, model.state_dict());
    }
}
