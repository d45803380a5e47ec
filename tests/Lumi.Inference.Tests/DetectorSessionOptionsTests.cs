using Microsoft.ML.OnnxRuntime;

namespace Lumi.Inference.Tests;

public sealed class DetectorSessionOptionsTests
{
    [Fact]
    public void DefaultsUseEveryCoreOneInterOpThreadAllOptimisationsAndTheArena()
    {
        using var options = Detector.CreateSessionOptions(new DetectorOptions());
        Assert.Equal(Environment.ProcessorCount, options.IntraOpNumThreads);
        Assert.Equal(1, options.InterOpNumThreads);
        Assert.Equal(GraphOptimizationLevel.ORT_ENABLE_ALL, options.GraphOptimizationLevel);
        Assert.True(options.EnableCpuMemArena);
        Assert.Equal(ExecutionMode.ORT_SEQUENTIAL, options.ExecutionMode);
    }

    [Fact]
    public void ThreadCountAndOptimisedModelPathAreConfigurable()
    {
        using var options = Detector.CreateSessionOptions(new DetectorOptions { IntraOpThreads = 3, OptimizedModelPath = "/tmp/x.ort.onnx" });
        Assert.Equal(3, options.IntraOpNumThreads);
        Assert.Equal("/tmp/x.ort.onnx", options.OptimizedModelFilePath);
    }
}
