using Lumi.Data.Imaging;
using Lumi.Inference.Devices;

namespace Lumi.Inference;

/// <summary>How a <see cref="Detector"/> runs its graph. Every setting has a default that suits a CPU with decoders beside it.</summary>
public sealed record DetectorOptions
{
    /// <summary>Where ONNX Runtime runs (<see cref="OnnxDevice.Resolve"/>); the CPU provider by default.</summary>
    public OnnxDevice Device { get; init; } = OnnxDevice.Cpu;

    /// <summary>ONNX Runtime's intra-op threads; 0 means one per core.</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Where ONNX Runtime saves the optimised graph (reused by loading that file); null: not saved.</summary>
    public string? OptimizedModelPath { get; init; }

    /// <summary>Largest image <see cref="Detector.Predict(string, DetectionOverrides?)"/> decodes, in pixels, against decompression bombs.</summary>
    public long MaxPixels { get; init; } = ImageDecoder.DefaultMaxPixels;
}
