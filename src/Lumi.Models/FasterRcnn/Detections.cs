using static TorchSharp.torch;

namespace Lumi.Models.FasterRcnn;

/// <summary>One image's detections: boxes [D, 4] (x1, y1, x2, y2), scores [D], labels [D] (1-based class index).</summary>
public sealed record Detections(Tensor Boxes, Tensor Scores, Tensor Labels) : IDisposable
{
    public void MoveToOuterDisposeScope()
    {
        Boxes.MoveToOuterDisposeScope();
        Scores.MoveToOuterDisposeScope();
        Labels.MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        Boxes.Dispose();
        Scores.Dispose();
        Labels.Dispose();
    }
}
