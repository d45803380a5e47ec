using Lumi.Data.Devices;
using Lumi.Data.Errors;
using TorchSharp;

namespace Lumi.Models.Devices;

/// <summary>Resolves <c>--device</c> for training and evaluation: asks TorchSharp whether CUDA is usable.</summary>
public static class TorchDevices
{
    /// <summary>
    /// <c>cpu</c> is the CPU; <c>cuda[:N]</c> is that CUDA device or an error naming what is missing;
    /// <c>auto</c> is CUDA device 0 when usable, else the CPU with a one-line <paramref name="notice"/>.
    /// </summary>
    public static torch.Device Resolve(DeviceSpec spec, Action<string> notice)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(notice);
        switch (spec.Kind)
        {
            case DeviceKind.Cpu:
                return torch.CPU;
            case DeviceKind.Auto:
                if (torch.cuda.is_available())
                {
                    return new torch.Device(DeviceType.CUDA, 0);
                }
                notice($"--device auto: training on the CPU ({WhyNoCuda()})");
                return torch.CPU;
            default:
                if (!torch.cuda.is_available())
                {
                    throw new UnavailableException($"--device {spec}: TorchSharp cannot use CUDA: {WhyNoCuda()}; use --device cpu or auto");
                }
                int count = torch.cuda.device_count();
                if (spec.CudaIndex >= count)
                {
                    throw new UnavailableException(
                        $"--device {spec}: TorchSharp sees {count} CUDA device(s), cuda:0 to cuda:{count - 1}");
                }
                return new torch.Device(DeviceType.CUDA, spec.CudaIndex);
        }
    }

    /// <summary>Whether this build carries the CUDA libtorch (TorchSharp-cuda-linux) next to the program.</summary>
    public static bool HasCudaLibTorch() =>
        new[] { AppContext.BaseDirectory, Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native") }
            .Any(dir => File.Exists(Path.Combine(dir, "libtorch_cuda.so")));

    private static string WhyNoCuda() => HasCudaLibTorch()
        ? "no CUDA device or NVIDIA driver found; check nvidia-smi"
        : "this build carries the CPU libtorch; build with -p:TorchBackend=cuda for TorchSharp-cuda-linux (CUDA 12.8 and cuDNN 9 bundled, only the NVIDIA driver needed)";
}
