using System.Globalization;
using Lumi.Data.Errors;

namespace Lumi.Data.Devices;

/// <summary>
/// What <c>--device</c> asks for: <c>auto</c>, <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>. The same text
/// means the same thing everywhere; each backend resolves it on its own (TorchSharp for training,
/// ONNX Runtime's CUDA provider for prediction), so parsing never loads a native library.
/// </summary>
public sealed record DeviceSpec(DeviceKind Kind, int? Index = null)
{
    public const string Choices = "auto, cpu, cuda or cuda:N (N = 0, 1, ...)";

    public static DeviceSpec Auto { get; } = new(DeviceKind.Auto);
    public static DeviceSpec Cpu { get; } = new(DeviceKind.Cpu);

    /// <summary>The CUDA device index to use when CUDA is chosen (0 unless <c>cuda:N</c> named one).</summary>
    public int CudaIndex => Index ?? 0;

    public static DeviceSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim().ToLowerInvariant();
        switch (t)
        {
            case "auto": return Auto;
            case "cpu": return Cpu;
            case "cuda": return new DeviceSpec(DeviceKind.Cuda);
        }
        if (t.StartsWith("cuda:", StringComparison.Ordinal))
        {
            string n = t["cuda:".Length..];
            if (n.Length > 0 && n.All(char.IsAsciiDigit)
                && int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                return new DeviceSpec(DeviceKind.Cuda, index);
            }
        }
        throw new UsageException($"--device: '{text}' is not a device; use {Choices}");
    }

    public override string ToString() => Kind switch
    {
        DeviceKind.Auto => "auto",
        DeviceKind.Cpu => "cpu",
        _ => Index is int i ? $"cuda:{i.ToString(CultureInfo.InvariantCulture)}" : "cuda",
    };
}
