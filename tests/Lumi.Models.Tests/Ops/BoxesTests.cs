using Lumi.Models.Ops;
using TorchSharp;
using static Lumi.Models.Tests.Ops.OpsReference;
using static TorchSharp.torch;

namespace Lumi.Models.Tests.Ops;

public sealed class BoxesTests
{
    // Elementwise IEEE operations in torchvision's order: results are expected to be identical.
    [Fact]
    public void BoxHelpersMatchTorchvisionExactly()
    {
        foreach (var c in Cases("box"))
        {
            string n = c["name"]!.GetValue<string>();
            using var scope = torch.NewDisposeScope();
            Assert.True(MaxAbsDiff(Boxes.BoxIou(T($"{n}/a"), T($"{n}/b")), T($"{n}/iou")) == 0, $"{n}: box_iou");
            Assert.True(MaxAbsDiff(Boxes.BoxArea(T($"{n}/a")), T($"{n}/area")) == 0, $"{n}: box_area");
            var clipped = Boxes.ClipBoxesToImage(T($"{n}/clip_in"), c["height"]!.GetValue<long>(), c["width"]!.GetValue<long>());
            Assert.True(MaxAbsDiff(clipped, T($"{n}/clip")) == 0, $"{n}: clip_boxes_to_image");
            foreach (var (key, minSize) in c["min_sizes"]!.AsObject())
                Assert.Equal(Longs(T($"{n}/{key}")), Longs(Boxes.RemoveSmallBoxes(T($"{n}/small_in"), minSize!.GetValue<double>())));
        }
    }

    [Fact]
    public void RemoveSmallBoxesReturnsInt64Indices()
    {
        using var boxes = tensor(new float[] { 0, 0, 1, 1, 0, 0, 0.5f, 3, 2, 2, 5, 5 }).reshape(3, 4);
        using var keep = Boxes.RemoveSmallBoxes(boxes, 1.0);
        Assert.Equal(ScalarType.Int64, keep.dtype);
        Assert.Equal(new long[] { 0, 2 }, Longs(keep));
    }

    [Fact]
    public void BoxIouRejectsWrongShapeNamingIt()
    {
        using var a = zeros(3, 5);
        using var b = zeros(2, 4);
        var e = Assert.Throws<ArgumentException>(() => Boxes.BoxIou(a, b));
        Assert.StartsWith("boxes1 must have shape [N, 4], got [3, 5].", e.Message);
    }
}
