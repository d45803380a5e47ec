namespace Lumi.Data.Devices;

public enum DeviceKind
{
    /// <summary>CUDA when the backend can use it, else the CPU with a one-line notice.</summary>
    Auto,
    Cpu,
    Cuda,
}
