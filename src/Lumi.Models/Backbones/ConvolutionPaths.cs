using Lumi.Models.Ops;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumi.Models.Backbones;

/// <summary>
/// Chooses how a ResNet block's strided 3×3 convolution runs: the module itself, or — when a CPU backward pass
/// will follow — <see cref="StridedConvolution"/>, whose backward avoids the oneDNN crash described there.
/// Padding may be asymmetric (<c>resnet18_cntk</c>): <c>padding</c> before, <c>padding - trimEnd</c> after; such a
/// window runs with the symmetric padding and its output is cut to the asymmetric size (<see cref="TrimEnd"/>).
/// </summary>
internal static class ConvolutionPaths
{
    public static Tensor Forward(Conv2d conv, Tensor x, long trimEnd = 0)
    {
        long stride = conv.stride![0];
        bool backwardFollows = torch.is_grad_enabled() && (x.requires_grad || conv.weight.requires_grad);
        var y = stride == 1 || !backwardFollows || x.device.type != DeviceType.CPU || conv.bias is not null
            ? conv.forward(x)
            : StridedConvolution.Apply(x, conv.weight, stride, conv.padding![0]);
        return TrimEnd(y, x, conv.kernel_size[0], stride, conv.padding![0], trimEnd);
    }

    /// <summary>
    /// <paramref name="y"/>, a square window op's output over <paramref name="x"/> padded by <paramref name="padding"/> on
    /// every side, cut to the output of the same op padded by <paramref name="padding"/> before (top, left) and
    /// <c>padding - trimEnd</c> after (bottom, right): the windows start at the same place, so the asymmetric output is
    /// the symmetric one without its last rows and columns (none for even sides with stride 2). ONNX pads
    /// <c>[p, p, p - trimEnd, p - trimEnd]</c>.
    /// </summary>
    public static Tensor TrimEnd(Tensor y, Tensor x, long kernel, long stride, long padding, long trimEnd)
    {
        if (trimEnd == 0) return y;
        if (trimEnd < 0 || trimEnd > padding)
            throw new ArgumentOutOfRangeException(nameof(trimEnd), $"must be in [0, {padding}], not {trimEnd}");
        long Size(long n)
        {
            long span = n + 2 * padding - trimEnd - kernel;
            if (span < 0)
                throw new ArgumentException($"a {n}-pixel side is too small for a {kernel}×{kernel} window with padding ({padding}, {padding - trimEnd})");
            return span / stride + 1;
        }
        long h = Size(x.shape[2]), w = Size(x.shape[3]);
        if (h == y.shape[2] && w == y.shape[3]) return y;
        return y.narrow(2, 0, h).narrow(3, 0, w);
    }

    /// <summary>A block's shortcut, <c>downsample</c> = (1×1 strided conv "0", norm "1"), through <see cref="Forward"/>.</summary>
    public static Tensor Downsample(Sequential downsample, Tensor x)
    {
        using var scope = NewDisposeScope();
        Conv2d? conv = null;
        nn.Module<Tensor, Tensor>? norm = null;
        foreach (var (name, module) in downsample.named_children())
        {
            if (name == "0") conv = (Conv2d)module;
            else if (name == "1") norm = (nn.Module<Tensor, Tensor>)module;
        }
        if (conv is null || norm is null)
            throw new InvalidOperationException("a ResNet downsample must be (\"0\": Conv2d, \"1\": norm)");
        return norm.forward(Forward(conv, x)).MoveToOuterDisposeScope();
    }
}
