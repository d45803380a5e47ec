using Lumi.Models.Backbones;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumi.Models.Export;

/// <summary>
/// Writes a convolution, optionally followed by its batch norm folded into the weights: frozen batch norm through
/// <see cref="FrozenBatchNorm2d.Affine"/>, a trainable <c>BatchNorm2d</c> through its running statistics (eval mode).
/// Folding is computed in float64 and stored as float32.
/// </summary>
internal static class ConvEmitter
{
    /// <summary>The convolution alone (with its own bias, if any). <paramref name="name"/> is its state-dict prefix.</summary>
    public static OnnxValue Conv(OnnxGraph g, OnnxValue x, Conv2d conv, string name)
    {
        var w = g.Initializer(name + ".weight", conv.weight);
        var b = conv.bias is null
            ? g.Initializer(name + ".bias", zeros(conv.weight.shape[0]))
            : g.Initializer(name + ".bias", conv.bias);
        var (k, s, p) = Geometry(conv);
        return g.Conv(x, w, b, k, s, p);
    }

    /// <summary>
    /// conv → norm as one Conv node; the initializers take the convolution's name. <paramref name="trimEnd"/>: pad
    /// that much less after (bottom, right) than before, as <see cref="ConvolutionPaths.TrimEnd"/>.
    /// </summary>
    public static OnnxValue ConvNorm(OnnxGraph g, OnnxValue x, Conv2d conv, nn.Module<Tensor, Tensor> norm, string name, long trimEnd = 0)
    {
        using var scope = NewDisposeScope();
        var (scale, shift) = Affine(norm);
        var weight = conv.weight.detach().to(ScalarType.Float64) * scale.reshape(-1, 1, 1, 1);
        var bias = conv.bias is null ? shift : conv.bias.detach().to(ScalarType.Float64) * scale + shift;
        var (k, s, p) = Geometry(conv);
        return g.Conv(x, g.Initializer(name + ".weight", weight), g.Initializer(name + ".bias", bias), k, s, p, p - trimEnd);
    }

    /// <summary>The per-channel (scale, shift) a batch norm applies at inference, in float64.</summary>
    public static (Tensor Scale, Tensor Shift) Affine(nn.Module<Tensor, Tensor> norm)
    {
        using var scope = NewDisposeScope();
        Tensor scale, shift;
        switch (norm)
        {
            case FrozenBatchNorm2d frozen:
                // Affine() in float64: the same map, without float32 rounding before the fold.
                var (s, t) = frozen.Affine64();
                (scale, shift) = (s, t);
                break;
            case BatchNorm2d bn:
                var mean = bn.running_mean!.detach().to(ScalarType.Float64);
                var variance = bn.running_var!.detach().to(ScalarType.Float64);
                var weight = bn.weight is null ? ones_like(mean) : bn.weight.detach().to(ScalarType.Float64);
                var bias = bn.bias is null ? zeros_like(mean) : bn.bias.detach().to(ScalarType.Float64);
                scale = weight * (variance + bn.eps).rsqrt();
                shift = bias - mean * scale;
                break;
            default:
                throw new NotSupportedException($"Cannot fold a {norm.GetType().Name} into a convolution. Supported: FrozenBatchNorm2d, BatchNorm2d.");
        }
        return (scale.MoveToOuterDisposeScope(), shift.MoveToOuterDisposeScope());
    }

    private static (long Kernel, long Stride, long Padding) Geometry(Conv2d conv)
    {
        long[] k = conv.kernel_size, s = conv.stride;
        long[]? p = conv.padding;
        if (k[0] != k[1] || s[0] != s[1] || p is null || p[0] != p[1] || conv.groups != 1 || conv.dilation.Any(d => d != 1))
            throw new NotSupportedException("Only square, ungrouped, undilated convolutions with explicit padding are exported.");
        return (k[0], s[0], p[0]);
    }
}
