using Lumi.Data.Devices;
using Lumi.Data.Errors;
using Lumi.Inference.Devices;

namespace Lumi.Inference.Tests.Devices;

/// <summary>Prediction resolves <c>--device</c> by asking ONNX Runtime's CUDA provider, never libtorch.</summary>
public sealed class OnnxDeviceTests
{
    [Fact]
    public void CpuNeverProbesCuda()
    {
        var notices = new List<string>();
        Assert.Equal(OnnxDevice.Cpu, OnnxDevice.Resolve(DeviceSpec.Cpu, notices.Add));
        Assert.Empty(notices);
    }

    [Fact]
    public void AutoFallsBackToTheCpuWithOneNoticeWhenTheCudaProviderDoesNotLoad()
    {
        var notices = new List<string>();
        OnnxDevice device = OnnxDevice.Resolve(DeviceSpec.Auto, notices.Add);
        if (OnnxDevice.CudaProblem(0) is null)
        {
            Assert.Equal(new OnnxDevice(true, 0), device);
            Assert.Empty(notices);
            return;
        }
        Assert.Equal(OnnxDevice.Cpu, device);
        string notice = Assert.Single(notices);
        Assert.StartsWith("--device auto: predicting on the CPU (ONNX Runtime's CUDA provider did not load: ", notice);
        Assert.DoesNotContain('\n', notice);
    }

    [Fact]
    public void CudaThatDoesNotLoadIsAnErrorNamingTheProblemAndTheRequirement()
    {
        string? problem = OnnxDevice.CudaProblem(0);
        if (problem is null)
        {
            Assert.Equal(new OnnxDevice(true, 0), OnnxDevice.Resolve(DeviceSpec.Parse("cuda"), _ => { }));
            return;
        }
        var e = Assert.Throws<UnavailableException>(() => OnnxDevice.Resolve(DeviceSpec.Parse("cuda"), _ => { }));
        Assert.Equal(
            $"--device cuda: ONNX Runtime's CUDA provider did not load: {problem}; ONNX Runtime GPU 1.31 needs CUDA 13 and cuDNN 9 on the host; use --device cpu or auto",
            e.Message);
    }

    [Fact]
    public void AProviderThatDoesNotLoadNamesTheMissingLibrary()
    {
        string? problem = OnnxDevice.CudaProblem(0);
        if (problem is null || OnnxDevice.MissingLibrary() is null)
        {
            return; // CUDA 13 and cuDNN 9 are installed here: nothing is missing.
        }
        Assert.Matches(@"; lib[\w.+-]+\.so[0-9.]* is missing \(needed by libonnxruntime_providers_cuda\.so\)$", problem);
    }

    [Fact]
    public void InferenceNeverReferencesTorchSharp()
    {
        var references = typeof(OnnxDevice).Assembly.GetReferencedAssemblies().Select(a => a.Name);
        Assert.DoesNotContain(references, n => n!.StartsWith("TorchSharp", StringComparison.Ordinal));
    }
}
