using Lumi.Models.Ops;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumi.Models.Backbones;

/// <summary>
/// Chooses how a ResNet block's strided 3×3 convolution runs: the module itself, or — when a CPU backward pass
/// will follow — <see cref="StridedConvolution"/>, whose backward avoids the oneDNN crash described there.
/// </summary>
internal static class ConvolutionPaths
{
    public static Tensor Forward(Conv2d conv, Tensor x)
    {
        long stride = conv.stride![0];
        bool backwardFollows = torch.is_grad_enabled() && (x.requires_grad || conv.weight.requires_grad);
        if (stride == 1 || !backwardFollows || x.device.type != DeviceType.CPU || conv.bias is not null)
            return conv.forward(x);
        return StridedConvolution.Apply(x, conv.weight, stride, conv.padding![0]);
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
