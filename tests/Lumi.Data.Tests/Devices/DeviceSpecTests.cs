using Lumi.Data.Devices;
using Lumi.Data.Errors;

namespace Lumi.Data.Tests.Devices;

public sealed class DeviceSpecTests
{
    [Theory]
    [InlineData("auto", DeviceKind.Auto, null, "auto")]
    [InlineData("cpu", DeviceKind.Cpu, null, "cpu")]
    [InlineData("CPU", DeviceKind.Cpu, null, "cpu")]
    [InlineData("cuda", DeviceKind.Cuda, null, "cuda")]
    [InlineData("cuda:0", DeviceKind.Cuda, 0, "cuda:0")]
    [InlineData(" cuda:3 ", DeviceKind.Cuda, 3, "cuda:3")]
    public void Parses(string text, DeviceKind kind, int? index, string canonical)
    {
        DeviceSpec spec = DeviceSpec.Parse(text);
        Assert.Equal(kind, spec.Kind);
        Assert.Equal(index, spec.Index);
        Assert.Equal(canonical, spec.ToString());
        Assert.Equal(spec, DeviceSpec.Parse(canonical));
    }

    [Fact]
    public void CudaMeansDeviceZero()
    {
        Assert.Equal(0, DeviceSpec.Parse("cuda").CudaIndex);
        Assert.Equal(2, DeviceSpec.Parse("cuda:2").CudaIndex);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:1.5")]
    [InlineData("cuda:x")]
    [InlineData("cuda:99999999999")]
    [InlineData("")]
    public void RejectsWithTheChoices(string text)
    {
        var e = Assert.Throws<UsageException>(() => DeviceSpec.Parse(text));
        Assert.Equal($"--device: '{text}' is not a device; use auto, cpu, cuda or cuda:N (N = 0, 1, ...)", e.Message);
    }
}
