namespace Lumi.Models.Export;

/// <summary>
/// What every stage of the graph needs to know about the batch: the padded images [N, 3, H, W], each image's
/// content size [N, 2] (height, width, int64), the same as float32 clip limits [N, 4] = (w, h, w, h), and N.
/// </summary>
internal sealed record OnnxImageBatch(OnnxValue Images, OnnxValue ImageSizes, OnnxValue ClipLimits, OnnxValue NumImages)
{
    public static OnnxImageBatch Create(OnnxGraph g, OnnxValue images, OnnxValue imageSizes)
    {
        var sizes = g.Cast(imageSizes, Onnx.TensorProto.Types.DataType.Float);
        var limits = g.Gather(sizes, g.Ints(1, 0, 1, 0), axis: 1);
        return new OnnxImageBatch(images, imageSizes, limits, g.Dim(images, 0));
    }
}
