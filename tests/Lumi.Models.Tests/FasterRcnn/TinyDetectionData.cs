using Lumi.Models.FasterRcnn;
using static TorchSharp.torch;

namespace Lumi.Models.Tests.FasterRcnn;

/// <summary>A handful of small images with coloured rectangles (class 1 red, class 2 blue) and a tiny model configuration.</summary>
public static class TinyDetectionData
{
    public static readonly FasterRcnnOptions TinyOptions = new()
    {
        NumClasses = 2,
        Backbone = new BackboneOptions { Name = "resnet18", FrozenBatchNorm = false, TrainableLayers = 5, FpnChannels = 64 },
        Rpn = new RpnOptions
        {
            AnchorSizes = new[] { 16, 32, 64, 128, 256 },
            PreNmsTopN = new(300, 200),
            PostNmsTopN = new(150, 100),
            BatchSizePerImage = 128,
        },
        RoiHeads = new RoiHeadsOptions { RepresentationSize = 128, BatchSizePerImage = 64 },
    };

    /// <summary>Images [N, 3, size, size] in [0, 1] and per-image boxes/labels.</summary>
    public static (Tensor Images, Tensor[] Boxes, Tensor[] Labels) Make(int count, int size, int seed)
    {
        var rng = new Random(seed);
        var images = zeros(new long[] { count, 3, size, size });
        var boxes = new Tensor[count];
        var labels = new Tensor[count];
        for (int i = 0; i < count; i++)
        {
            images[i] = 0.5f + (float)rng.NextDouble() * 0.1f;
            var b = new List<float>();
            var l = new List<long>();
            for (int k = 0; k < 2; k++)
            {
                int w = rng.Next(size / 5, size / 2), h = rng.Next(size / 5, size / 2);
                int x = k == 0 ? rng.Next(0, size / 2 - w / 2) : rng.Next(size / 2, size - w);
                int y = rng.Next(0, size - h);
                long cls = (i + k) % 2 + 1;
                var color = cls == 1 ? new[] { 0.9f, 0.1f, 0.1f } : new[] { 0.1f, 0.2f, 0.9f };
                for (int ch = 0; ch < 3; ch++)
                    images[i, ch, y..(y + h), x..(x + w)] = color[ch];
                b.AddRange(new float[] { x, y, x + w, y + h });
                l.Add(cls);
            }
            boxes[i] = tensor(b.ToArray()).reshape(-1, 4);
            labels[i] = tensor(l.ToArray());
        }
        return (images, boxes, labels);
    }
}
