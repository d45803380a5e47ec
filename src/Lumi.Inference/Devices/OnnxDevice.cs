using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Lumi.Data.Devices;
using Lumi.Data.Errors;
using Microsoft.ML.OnnxRuntime;

namespace Lumi.Inference.Devices;

/// <summary>
/// Where ONNX Runtime runs a model: its CUDA provider on one device, or its CPU provider.
/// Resolving <c>--device</c> asks ONNX Runtime whether the CUDA provider can be appended, which
/// loads the provider library and its CUDA dependencies; libtorch is never involved.
/// </summary>
public sealed record OnnxDevice(bool UseCuda, int CudaIndex)
{
    public const string CudaRequirement = "ONNX Runtime GPU 1.31 needs CUDA 13 and cuDNN 9 on the host";

    public static OnnxDevice Cpu { get; } = new(false, 0);

    /// <summary>
    /// <c>cpu</c> is the CPU provider; <c>cuda[:N]</c> the CUDA provider, or an error saying what failed
    /// to load; <c>auto</c> the CUDA provider when it loads, else the CPU with a one-line <paramref name="notice"/>.
    /// </summary>
    public static OnnxDevice Resolve(DeviceSpec spec, Action<string> notice)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(notice);
        if (spec.Kind == DeviceKind.Cpu)
        {
            return Cpu;
        }
        string? problem = CudaProblem(spec.CudaIndex);
        if (problem is null)
        {
            return new OnnxDevice(true, spec.CudaIndex);
        }
        if (spec.Kind == DeviceKind.Auto)
        {
            notice($"--device auto: predicting on the CPU (ONNX Runtime's CUDA provider did not load: {problem})");
            return Cpu;
        }
        throw new UnavailableException(
            $"--device {spec}: ONNX Runtime's CUDA provider did not load: {problem}; {CudaRequirement}; use --device cpu or auto");
    }

    /// <summary>Null when the CUDA provider can be appended for device <paramref name="index"/>, else ONNX Runtime's reason (first line).</summary>
    public static string? CudaProblem(int index)
    {
        // ONNX Runtime also logs the failure to stderr itself; the caller reports it in one line, so keep its log quiet meanwhile.
        OrtEnv environment = OrtEnv.Instance();
        OrtLoggingLevel level = environment.EnvLogLevel;
        environment.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
        try
        {
            using var options = new SessionOptions();
            options.AppendExecutionProvider_CUDA(index);
            return null;
        }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
        {
            string message = FirstLine(e.Message);
            return MissingLibrary() is string missing ? $"{message}; {missing}" : message;
        }
        finally
        {
            environment.EnvLogLevel = level;
        }
    }

    /// <summary>
    /// Which library keeps ONNX Runtime's CUDA provider from loading, from the dynamic loader itself (ONNX Runtime's
    /// exception does not say): "libcublasLt.so.13 is missing (needed by libonnxruntime_providers_cuda.so)"; null when
    /// the provider library is not found or loads.
    /// </summary>
    internal static string? MissingLibrary()
    {
        string? path = new[]
        {
            Path.Combine(AppContext.BaseDirectory, ProviderLibrary),
            Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", ProviderLibrary),
        }.FirstOrDefault(File.Exists);
        if (path is null)
        {
            return null;
        }
        try
        {
            NativeLibrary.Free(NativeLibrary.Load(path));
            return null;
        }
        catch (DllNotFoundException e)
        {
            var missing = Regex.Matches(e.Message, @"([^\s:/]+\.so[0-9.]*): cannot open shared object file");
            return missing.Count > 0
                ? $"{missing[^1].Groups[1].Value} is missing (needed by {ProviderLibrary})"
                : $"{ProviderLibrary} does not load: {FirstLine(e.Message)}";
        }
    }

    private const string ProviderLibrary = "libonnxruntime_providers_cuda.so";

    private static string FirstLine(string message)
    {
        message = message.Trim();
        int newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }

    /// <summary>Session options that run on this device (the CPU provider always remains as the fallback for unsupported nodes).</summary>
    public SessionOptions CreateSessionOptions()
    {
        var options = new SessionOptions();
        if (UseCuda)
        {
            options.AppendExecutionProvider_CUDA(CudaIndex);
        }
        return options;
    }
}
