using Lumi.Data.Devices;
using Lumi.Data.Errors;
using Lumi.Models.Devices;
using TorchSharp;

namespace Lumi.Models.Tests.Devices;

[Collection(TorchCollection.Name)]
public sealed class TorchDevicesTests
{
    [Fact]
    public void CpuIsTheCpuWithoutANotice()
    {
        var notices = new List<string>();
        torch.Device device = TorchDevices.Resolve(DeviceSpec.Cpu, notices.Add);
        Assert.Equal(DeviceType.CPU, device.type);
        Assert.Empty(notices);
    }

    [Fact]
    public void AutoIsCudaWhenUsableElseTheCpuWithOneNotice()
    {
        var notices = new List<string>();
        torch.Device device = TorchDevices.Resolve(DeviceSpec.Auto, notices.Add);
        if (torch.cuda.is_available())
        {
            Assert.Equal(DeviceType.CUDA, device.type);
            Assert.Empty(notices);
        }
        else
        {
            Assert.Equal(DeviceType.CPU, device.type);
            string notice = Assert.Single(notices);
            Assert.StartsWith("--device auto: training on the CPU (", notice);
            Assert.DoesNotContain('\n', notice);
        }
    }

    [Fact]
    public void CudaThatCannotBeUsedIsAnErrorSayingWhatIsMissing()
    {
        if (torch.cuda.is_available())
        {
            Assert.Equal(DeviceType.CUDA, TorchDevices.Resolve(DeviceSpec.Parse("cuda"), _ => { }).type);
            var tooFar = Assert.Throws<UnavailableException>(() => TorchDevices.Resolve(DeviceSpec.Parse("cuda:999"), _ => { }));
            Assert.StartsWith("--device cuda:999: TorchSharp sees ", tooFar.Message);
            return;
        }
        var e = Assert.Throws<UnavailableException>(() => TorchDevices.Resolve(DeviceSpec.Parse("cuda:1"), _ => { }));
        Assert.StartsWith("--device cuda:1: TorchSharp cannot use CUDA: ", e.Message);
        if (!TorchDevices.HasCudaLibTorch())
        {
            Assert.Contains("-p:TorchBackend=cuda", e.Message);
        }
    }
}
