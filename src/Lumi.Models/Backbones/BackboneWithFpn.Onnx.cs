using Lumi.Models.Export;

namespace Lumi.Models.Backbones;

public sealed partial class BackboneWithFpn
{
    /// <summary>Normalized images in, P2…P6 out, as ONNX values.</summary>
    internal OnnxValue[] EmitOnnx(OnnxGraph g, OnnxValue images, string name) =>
        fpn.EmitOnnx(g, body.EmitOnnx(g, images, name + ".body"), name + ".fpn");
}
