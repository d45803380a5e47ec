using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Models.Backbones;

/// <summary>
/// Batch norm with fixed statistics and affine parameters, as torchvision's
/// <c>torchvision.ops.FrozenBatchNorm2d</c>: four buffers (weight, bias, running_mean, running_var),
/// no parameters, nothing changes on a call (TorchVision .NET's version rewrites its own bias).
/// </summary>
public sealed partial class FrozenBatchNorm2d : nn.Module<Tensor, Tensor>
{
    private readonly Tensor weight;
    private readonly Tensor bias;
    private readonly Tensor running_mean;
    private readonly Tensor running_var;

    public FrozenBatchNorm2d(long numFeatures, double eps) : base(nameof(FrozenBatchNorm2d))
    {
        if (eps < 0) throw new ArgumentOutOfRangeException(nameof(eps), "batch-norm epsilon must be >= 0");
        Eps = eps;
        weight = ones(numFeatures);
        bias = zeros(numFeatures);
        running_mean = zeros(numFeatures);
        running_var = ones(numFeatures);
        RegisterComponents();
    }

    public double Eps { get; }

    /// <summary>The per-channel affine map (scale, shift) this layer applies: y = x·scale + shift.</summary>
    public (Tensor Scale, Tensor Shift) Affine()
    {
        using var scope = NewDisposeScope();
        var scale = weight * (running_var + Eps).rsqrt();
        var shift = bias - running_mean * scale;
        return (scale.MoveToOuterDisposeScope(), shift.MoveToOuterDisposeScope());
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var (scale, shift) = Affine();
        var y = x * scale.reshape(1, -1, 1, 1) + shift.reshape(1, -1, 1, 1);
        return y.MoveToOuterDisposeScope();
    }
}
