using static TorchSharp.torch;

namespace Lumi.Models.Backbones;

public sealed partial class FrozenBatchNorm2d
{
    /// <summary>
    /// <see cref="Affine"/> computed in float64 from the buffers, for folding into the preceding convolution
    /// at export (the ONNX graph has no batch-norm node: <see cref="Export.ConvEmitter"/>).
    /// </summary>
    internal (Tensor Scale, Tensor Shift) Affine64()
    {
        using var scope = NewDisposeScope();
        var scale = weight.to(ScalarType.Float64) * (running_var.to(ScalarType.Float64) + Eps).rsqrt();
        var shift = bias.to(ScalarType.Float64) - running_mean.to(ScalarType.Float64) * scale;
        return (scale.MoveToOuterDisposeScope(), shift.MoveToOuterDisposeScope());
    }
}
