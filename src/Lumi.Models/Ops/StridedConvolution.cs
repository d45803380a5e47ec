using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Models.Ops;

/// <summary>
/// A bias-free strided 2-D convolution whose backward pass avoids libtorch's CPU convolution-backward for
/// strided convolutions. libtorch 2.10's oneDNN divides by zero (SIGFPE, killing the process) while planning
/// that backward-data pass on some AVX-512 CPUs (seen on AMD EPYC with <c>avx512_vp2intersect</c>: a 256→256
/// 3×3 stride-2 convolution on a 100×136 map, i.e. ResNet-50's layer3 at 800×1088). Forward is the ordinary
/// convolution; backward computes the input gradient as a stride-1 convolution of the zero-dilated output
/// gradient with the flipped, transposed kernel (forward primitives only), and the weight gradient as one
/// matrix product over unfolded input patches. Same numbers as autograd's, in a different summation order.
/// </summary>
internal sealed class StridedConvolution : torch.autograd.SingleTensorFunction<StridedConvolution>
{
    public override string Name => nameof(StridedConvolution);

    private sealed record Geometry(long Stride, long Padding);

    /// <summary>conv2d(input, weight, stride, padding) with the backward described above.</summary>
    public static Tensor Apply(Tensor input, Tensor weight, long stride, long padding) =>
        apply(input, weight, new Geometry(stride, padding));

    public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
    {
        var input = (Tensor)vars[0];
        var weight = (Tensor)vars[1];
        var g = (Geometry)vars[2];
        ctx.save_for_backward(new List<Tensor> { input, weight });
        ctx.save_data("stride", g.Stride);
        ctx.save_data("padding", g.Padding);
        using var noGrad = torch.no_grad();
        return nn.functional.conv2d(input, weight, strides: new[] { g.Stride, g.Stride }, padding: new[] { g.Padding, g.Padding });
    }

    public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var saved = ctx.get_saved_variables();
        var input = saved[0];
        var weight = saved[1];
        long stride = (long)ctx.get_data("stride");
        long padding = (long)ctx.get_data("padding");
        using var noGrad = torch.no_grad();
        var gradInput = input.requires_grad ? InputGradient(gradOutput, weight, input.shape, stride, padding) : null;
        var gradWeight = weight.requires_grad ? WeightGradient(gradOutput, input, weight.shape, stride, padding) : null;
        return new List<Tensor> { gradInput!, gradWeight!, null! };
    }

    internal static Tensor InputGradient(Tensor gradOutput, Tensor weight, long[] inputShape, long stride, long padding)
    {
        using var scope = NewDisposeScope();
        long n = gradOutput.shape[0], cout = gradOutput.shape[1], ho = gradOutput.shape[2], wo = gradOutput.shape[3];
        long k = weight.shape[2];
        // Zero-dilate the output gradient by the stride onto every window position of the padded input (rows past
        // the last window stay zero), then correlate with the flipped kernel (cin ← cout).
        long hd = inputShape[2] + 2 * padding - k + 1, wd = inputShape[3] + 2 * padding - k + 1;
        var dilated = zeros(new[] { n, cout, hd, wd }, gradOutput.dtype, gradOutput.device);
        dilated[.., .., TensorIndex.Slice(0, (ho - 1) * stride + 1, stride), TensorIndex.Slice(0, (wo - 1) * stride + 1, stride)] = gradOutput;
        var kernel = weight.transpose(0, 1).flip(2, 3).contiguous();
        var grad = nn.functional.conv2d(dilated, kernel, padding: new[] { k - 1 - padding, k - 1 - padding });
        return grad.MoveToOuterDisposeScope();
    }

    internal static Tensor WeightGradient(Tensor gradOutput, Tensor input, long[] weightShape, long stride, long padding)
    {
        using var scope = NewDisposeScope();
        long n = gradOutput.shape[0], cout = weightShape[0], k = weightShape[2];
        var patches = nn.functional.unfold(input, k, padding: padding, stride: stride);   // [N, Cin·k·k, L]
        var g = gradOutput.reshape(n, cout, -1);                                              // [N, Cout, L]
        var grad = torch.bmm(g, patches.transpose(1, 2)).sum(dim: 0);                               // [Cout, Cin·k·k]
        return grad.reshape(weightShape).MoveToOuterDisposeScope();
    }
}
