using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Lumi.Models.Export;

/// <summary>One helper per ONNX operator Lumi emits, in their opset-17 forms.</summary>
internal sealed partial class OnnxGraph
{
    public OnnxValue Add(OnnxValue a, OnnxValue b) => Op("Add", a, b);
    public OnnxValue Sub(OnnxValue a, OnnxValue b) => Op("Sub", a, b);
    public OnnxValue Mul(OnnxValue a, OnnxValue b) => Op("Mul", a, b);
    public OnnxValue Div(OnnxValue a, OnnxValue b) => Op("Div", a, b);
    public OnnxValue Mod(OnnxValue a, OnnxValue b) => Op("Mod", a, b);
    public OnnxValue Min(OnnxValue a, OnnxValue b) => Op("Min", a, b);
    public OnnxValue Max(OnnxValue a, OnnxValue b) => Op("Max", a, b);
    public OnnxValue Neg(OnnxValue x) => Op("Neg", x);
    public OnnxValue Exp(OnnxValue x) => Op("Exp", x);
    public OnnxValue Log(OnnxValue x) => Op("Log", x);
    public OnnxValue Sqrt(OnnxValue x) => Op("Sqrt", x);
    public OnnxValue Floor(OnnxValue x) => Op("Floor", x);
    public OnnxValue Round(OnnxValue x) => Op("Round", x);
    public OnnxValue Pow(OnnxValue x, OnnxValue y) => Op("Pow", x, y);
    public OnnxValue Sigmoid(OnnxValue x) => Op("Sigmoid", x);
    public OnnxValue Relu(OnnxValue x) => Op("Relu", x);
    public OnnxValue Softmax(OnnxValue x, long axis) => Op("Softmax", new[] { x }, Attr("axis", axis));

    public OnnxValue Equal(OnnxValue a, OnnxValue b) => Op("Equal", a, b);
    public OnnxValue Less(OnnxValue a, OnnxValue b) => Op("Less", a, b);
    public OnnxValue Greater(OnnxValue a, OnnxValue b) => Op("Greater", a, b);
    public OnnxValue GreaterOrEqual(OnnxValue a, OnnxValue b) => Op("GreaterOrEqual", a, b);
    public OnnxValue And(OnnxValue a, OnnxValue b) => Op("And", a, b);
    public OnnxValue Where(OnnxValue condition, OnnxValue x, OnnxValue y) => Op("Where", condition, x, y);
    public OnnxValue Cast(OnnxValue x, DataType to) => Op("Cast", new[] { x }, Attr("to", (long)to));

    /// <summary>Dimensions [start, end) of <paramref name="x"/>'s shape, as a 1-d int64 tensor.</summary>
    public OnnxValue Shape(OnnxValue x, long start, long end) => Op("Shape", new[] { x }, Attr("start", start), Attr("end", end));

    /// <summary>One dimension of <paramref name="x"/>'s shape as an int64 scalar (for Range).</summary>
    public OnnxValue Dim(OnnxValue x, long axis) => Squeeze(Shape(x, axis, axis + 1), 0);

    public OnnxValue Gather(OnnxValue data, OnnxValue indices, long axis = 0) => Op("Gather", new[] { data, indices }, Attr("axis", axis));
    public OnnxValue GatherND(OnnxValue data, OnnxValue indices, long batchDims = 0) =>
        Op("GatherND", new[] { data, indices }, Attr("batch_dims", batchDims));
    public OnnxValue Reshape(OnnxValue x, OnnxValue shape) => Op("Reshape", x, shape);
    public OnnxValue Reshape(OnnxValue x, params long[] shape) => Op("Reshape", x, Ints(shape));
    public OnnxValue Transpose(OnnxValue x, params long[] perm) => Op("Transpose", new[] { x }, Attr("perm", perm));
    public OnnxValue Concat(long axis, params OnnxValue[] xs) => Op("Concat", xs, Attr("axis", axis));
    public OnnxValue Flatten(OnnxValue x, long axis) => Op("Flatten", new[] { x }, Attr("axis", axis));
    public OnnxValue Unsqueeze(OnnxValue x, params long[] axes) => Op("Unsqueeze", x, Ints(axes));
    public OnnxValue Squeeze(OnnxValue x, params long[] axes) => Op("Squeeze", x, Ints(axes));
    public OnnxValue Expand(OnnxValue x, OnnxValue shape) => Op("Expand", x, shape);
    public OnnxValue Range(OnnxValue start, OnnxValue limit, OnnxValue delta) => Op("Range", start, limit, delta);
    public OnnxValue NonZero(OnnxValue x) => Op("NonZero", x);
    public OnnxValue ReduceSum(OnnxValue x, long axis, bool keepDims) =>
        Op("ReduceSum", new[] { x, Ints(axis) }, Attr("keepdims", keepDims ? 1L : 0L));
    public OnnxValue ReduceMax(OnnxValue x, long axis, bool keepDims) =>
        Op("ReduceMax", new[] { x }, Attr("axes", new[] { axis }), Attr("keepdims", keepDims ? 1L : 0L));
    public OnnxValue CumSum(OnnxValue x, long axis) => Op("CumSum", x, Scalar(axis));
    public OnnxValue ScatterND(OnnxValue data, OnnxValue indices, OnnxValue updates) => Op("ScatterND", data, indices, updates);

    /// <summary>Elements [start, end) along one axis (steps of 1).</summary>
    public OnnxValue Slice(OnnxValue x, long axis, long start, long end) => Op("Slice", x, Ints(start), Ints(end), Ints(axis));

    /// <summary>A tensor of the given (runtime) shape filled with one float32 value.</summary>
    public OnnxValue Full(OnnxValue shape, float value) =>
        Op("ConstantOfShape", new[] { shape }, Attr("value", new TensorProto { DataType = (int)DataType.Float, Dims = { 1 }, FloatData = { value } }));

    /// <summary>The k largest (or smallest) values along <paramref name="axis"/>, sorted; returns (values, indices).</summary>
    public (OnnxValue Values, OnnxValue Indices) TopK(OnnxValue x, OnnxValue k, long axis, bool largest)
    {
        var outs = Node("TopK", new[] { x, k }, 2, Attr("axis", axis), Attr("largest", largest ? 1L : 0L), Attr("sorted", 1L));
        return (outs[0], outs[1]);
    }

    /// <summary>A square convolution padded <paramref name="padding"/> before and <paramref name="paddingEnd"/> (default: the same) after.</summary>
    public OnnxValue Conv(OnnxValue x, OnnxValue weight, OnnxValue bias, long kernel, long stride, long padding, long? paddingEnd = null) =>
        Op("Conv", new[] { x, weight, bias },
            Attr("kernel_shape", new[] { kernel, kernel }), Attr("strides", new[] { stride, stride }),
            Attr("pads", Pads(padding, paddingEnd ?? padding)), Attr("dilations", new[] { 1L, 1L }), Attr("group", 1L));

    /// <summary>A square max pool padded <paramref name="padding"/> before and <paramref name="paddingEnd"/> (default: the same) after.</summary>
    public OnnxValue MaxPool(OnnxValue x, long kernel, long stride, long padding, long? paddingEnd = null) =>
        Op("MaxPool", new[] { x },
            Attr("kernel_shape", new[] { kernel, kernel }), Attr("strides", new[] { stride, stride }),
            Attr("pads", Pads(padding, paddingEnd ?? padding)));

    /// <summary>ONNX's pads order: (top, left) begins, then (bottom, right) ends.</summary>
    private static long[] Pads(long begin, long end) => new[] { begin, begin, end, end };

    /// <summary><c>x · weightᵀ + bias</c> (a torch Linear).</summary>
    public OnnxValue Linear(OnnxValue x, OnnxValue weight, OnnxValue bias) => Op("Gemm", new[] { x, weight, bias }, Attr("transB", 1L));

    /// <summary>Nearest-neighbour resize of an NCHW tensor to the spatial size of <paramref name="like"/> (PyTorch's "nearest").</summary>
    public OnnxValue ResizeNearestLike(OnnxValue x, OnnxValue like)
    {
        var sizes = Concat(0, Shape(x, 0, 2), Shape(like, 2, 4));
        return Op("Resize", new[] { x, OnnxValue.None, OnnxValue.None, sizes },
            Attr("mode", "nearest"), Attr("coordinate_transformation_mode", "asymmetric"), Attr("nearest_mode", "floor"));
    }

    /// <summary>ONNX NonMaxSuppression: boxes [B, S, 4], scores [B, C, S] → selected (batch, class, box) triples [M, 3].</summary>
    public OnnxValue NonMaxSuppression(OnnxValue boxes, OnnxValue scores, OnnxValue maxOutputPerClass, OnnxValue iouThreshold, OnnxValue scoreThreshold) =>
        Op("NonMaxSuppression", new[] { boxes, scores, maxOutputPerClass, iouThreshold, scoreThreshold }, Attr("center_point_box", 0L));

    /// <summary>RoiAlign-16, average mode, torchvision's aligned=False ("output_half_pixel").</summary>
    public OnnxValue RoiAlign(OnnxValue features, OnnxValue rois, OnnxValue batchIndices, long outputSize, long samplingRatio, float spatialScale) =>
        Op("RoiAlign", new[] { features, rois, batchIndices },
            Attr("coordinate_transformation_mode", "output_half_pixel"), Attr("mode", "avg"),
            Attr("output_height", outputSize), Attr("output_width", outputSize),
            Attr("sampling_ratio", samplingRatio), Attr("spatial_scale", spatialScale));
}
