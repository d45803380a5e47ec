using System.Diagnostics;
using System.Text.Json;

namespace Lumi.Models.Tests;

/// <summary>
/// <c>-p:TorchBackend=cuda</c> swaps the CPU libtorch for TorchSharp-cuda-linux, never both. That
/// package is not on this machine's mirror, so the project is only evaluated (no restore).
/// </summary>
public sealed class PackageSwitchTests
{
    [Fact]
    public void DefaultBuildUsesTheCpuLibTorch()
    {
        string[] packages = PackageReferences();
        Assert.Contains("TorchSharp", packages);
        Assert.Contains("libtorch-cpu-linux-x64", packages);
        Assert.DoesNotContain("TorchSharp-cuda-linux", packages);
    }

    [Fact]
    public void CudaBackendUsesTorchSharpCudaLinuxInstead()
    {
        string[] packages = PackageReferences("-p:TorchBackend=cuda");
        Assert.Contains("TorchSharp", packages);
        Assert.Contains("TorchSharp-cuda-linux", packages);
        Assert.DoesNotContain("libtorch-cpu-linux-x64", packages);
    }

    private static string[] PackageReferences(params string[] properties)
    {
        string project = Path.Combine(RepoRoot(), "src", "Lumi.Models", "Lumi.Models.csproj");
        var start = new ProcessStartInfo("dotnet", ["msbuild", project, "-getItem:PackageReference", "-nologo", .. properties])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_NOLOGO"] = "1";
        using Process p = Process.Start(start)!;
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        string json = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"dotnet msbuild failed: {json}{stderr.Result}");
        using JsonDocument doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("Items").GetProperty("PackageReference").EnumerateArray()
            .Select(item => item.GetProperty("Identity").GetString()!)
            .ToArray();
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lumi.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Lumi.sln not found above " + AppContext.BaseDirectory);
    }
}
