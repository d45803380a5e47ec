using System.Diagnostics;
using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Models.Tests;

[Collection(TorchCollection.Name)]
public sealed class NativeLibraryTests
{
    private const string Glibcxx = "GLIBCXX_3.4.32";
    private const string SystemLibStdCxx = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";

    [Fact]
    public void LibTorchLoadsAndComputes()
    {
        using var a = tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        using var b = a.matmul(a);
        Assert.Equal(new float[] { 7, 10, 15, 22 }, b.data<float>().ToArray());
    }

    /// <summary>
    /// The build weakens libLibTorchSharp.so's need for GLIBCXX_3.4.32 exactly when this machine's
    /// libstdc++ lacks that version (shared/DESIGN.md §8), and only in the build output: the NuGet
    /// cache copy keeps its original, strong requirement.
    /// </summary>
    [Fact]
    public void GlibcxxRequirementIsWeakExactlyWhenTheSystemLacksItAndOnlyInTheBuildOutput()
    {
        bool systemHasIt = VersionDefinitions(SystemLibStdCxx).Contains(Glibcxx);

        string built = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        if (!File.Exists(built))
        {
            built = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        }
        Assert.True(File.Exists(built), $"libLibTorchSharp.so not found in {AppContext.BaseDirectory}");
        Assert.Equal(systemHasIt ? "none" : "WEAK", NeedFlags(built, Glibcxx));

        string cache = Path.Combine(NuGetPackages(), "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(cache), $"{cache} not found");
        Assert.Equal("none", NeedFlags(cache, Glibcxx));
    }

    /// <summary>The <c>Flags</c> of a version requirement in <c>.gnu.version_r</c>, as <c>readelf -V</c> prints them.</summary>
    private static string NeedFlags(string library, string version)
    {
        Match m = Regex.Match(ReadElfV(library), $@"Name: {Regex.Escape(version)}\s+Flags: (\S+)\s+Version:");
        Assert.True(m.Success, $"{library} does not ask for {version}");
        return m.Groups[1].Value;
    }

    /// <summary>The names in <c>.gnu.version_d</c> (the versions a library provides).</summary>
    private static HashSet<string> VersionDefinitions(string library) =>
        Regex.Matches(ReadElfV(library), @"Rev: \d+\s+Flags: \S+\s+Index: \d+\s+Cnt: \d+\s+Name: (\S+)")
            .Select(m => m.Groups[1].Value)
            .ToHashSet(StringComparer.Ordinal);

    private static string ReadElfV(string library)
    {
        var start = new ProcessStartInfo("readelf", ["-V", "-W", library])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process p = Process.Start(start) ?? throw new InvalidOperationException("readelf did not start (install binutils)");
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"readelf -V {library} failed: {stderr.Result}");
        return output;
    }

    private static string NuGetPackages() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
            ? packages
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
