using Lumi.Models.Export;
using TorchSharp.Modules;

namespace Lumi.Models.Backbones;

public sealed partial class BasicBlock
{
    /// <summary>The block's forward as ONNX nodes, batch norms folded into the convolutions.</summary>
    internal OnnxValue EmitOnnx(OnnxGraph g, OnnxValue x, string name)
    {
        using var _ = g.Scope(name);
        var identity = downsample is null ? x : EmitDownsample(g, x, downsample, name);
        var y = g.Relu(ConvEmitter.ConvNorm(g, x, conv1, bn1, name + ".conv1", trimEnd));
        y = ConvEmitter.ConvNorm(g, y, conv2, bn2, name + ".conv2");
        return g.Relu(g.Add(y, identity));
    }

    internal static OnnxValue EmitDownsample(OnnxGraph g, OnnxValue x, Sequential downsample, string name)
    {
        var children = downsample.named_children().ToDictionary(c => c.name, c => c.module);
        return ConvEmitter.ConvNorm(g, x, (Conv2d)children["0"], (TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>)children["1"],
            name + ".downsample.0");
    }
}

public sealed partial class Bottleneck
{
    /// <summary>The block's forward as ONNX nodes, batch norms folded into the convolutions.</summary>
    internal OnnxValue EmitOnnx(OnnxGraph g, OnnxValue x, string name)
    {
        using var _ = g.Scope(name);
        var identity = downsample is null ? x : BasicBlock.EmitDownsample(g, x, downsample, name);
        var y = g.Relu(ConvEmitter.ConvNorm(g, x, conv1, bn1, name + ".conv1"));
        y = g.Relu(ConvEmitter.ConvNorm(g, y, conv2, bn2, name + ".conv2"));
        y = ConvEmitter.ConvNorm(g, y, conv3, bn3, name + ".conv3");
        return g.Relu(g.Add(y, identity));
    }
}
