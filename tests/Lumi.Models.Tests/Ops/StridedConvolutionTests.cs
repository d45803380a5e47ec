using Lumi.Models.Ops;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Models.Tests.Ops;

/// <summary>The strided convolution with its own backward gives autograd's numbers (float64, 1e-12).</summary>
[Collection(TorchCollection.Name)]
public sealed class StridedConvolutionTests
{
    [Theory]
    [InlineData(8, 6, 13, 17, 3, 2, 1)]
    [InlineData(8, 6, 16, 16, 3, 2, 1)]
    [InlineData(5, 7, 12, 9, 1, 2, 0)]
    [InlineData(3, 4, 21, 19, 7, 2, 3)]
    [InlineData(4, 4, 11, 10, 3, 3, 1)]
    public void OutputAndGradientsMatchAutograd(int cin, int cout, int h, int w, int k, int stride, int padding)
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var x = randn(new long[] { 2, cin, h, w }, ScalarType.Float64);
        var weight = randn(new long[] { cout, cin, k, k }, ScalarType.Float64);

        var x1 = x.clone().requires_grad_(true);
        var w1 = weight.clone().requires_grad_(true);
        var expected = nn.functional.conv2d(x1, w1, strides: new long[] { stride, stride }, padding: new long[] { padding, padding });
        var upstream = randn(expected.shape, ScalarType.Float64);
        expected.backward(new[] { upstream });

        var x2 = x.clone().requires_grad_(true);
        var w2 = weight.clone().requires_grad_(true);
        var actual = StridedConvolution.Apply(x2, w2, stride, padding);
        actual.backward(new[] { upstream });

        Assert.True(expected.allclose(actual, rtol: 0, atol: 1e-12), "output");
        Assert.True(x1.grad!.allclose(x2.grad!, rtol: 0, atol: 1e-12), "input gradient");
        Assert.True(w1.grad!.allclose(w2.grad!, rtol: 0, atol: 1e-12), "weight gradient");
    }
}
