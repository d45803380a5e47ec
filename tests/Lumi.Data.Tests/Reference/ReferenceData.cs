using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;

namespace Lumi.Data.Tests.Reference;

/// <summary>
/// Runs a torch oracle script from <c>tests/reference/</c> (as <c>python3 SCRIPT OUT_FILE</c>, writing one
/// safetensors file) when its output is missing, and returns the output's path. Outputs are cached in
/// <c>tests/reference/out/&lt;script&gt;-&lt;hash&gt;/</c> (gitignored), keyed by the content of the script and
/// of the shared <c>st.py</c>, so editing either regenerates. Same scheme as the model tests' helper,
/// kept separate because Lumi.Data's tests must not depend on Lumi.Models.
/// </summary>
/// <remarks>
/// The interpreter is Debian's <c>/usr/bin/python3</c> (with <c>python3-torchvision</c>) unless
/// <c>LUMI_REFERENCE_PYTHON</c> names another. Callers in one process share one run; separate processes
/// are safe (each writes a temporary file and renames it).
/// </remarks>
public static class ReferenceData
{
    public const string PythonVariable = "LUMI_REFERENCE_PYTHON";
    public const string DefaultPython = "/usr/bin/python3";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);
    private static readonly ConcurrentDictionary<string, Lazy<string>> Runs = new();

    /// <summary>The repository root (the folder holding <c>Lumi.sln</c>).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string ScriptsDirectory => Path.Combine(RepoRoot, "tests", "reference");

    /// <summary>The output file of <paramref name="script"/>, generated first if the cache has none for its current content.</summary>
    public static string Get(string script)
    {
        string scriptPath = Path.Combine(ScriptsDirectory, script);
        if (!File.Exists(scriptPath))
        {
            throw new FileNotFoundException($"No reference script '{script}' in {ScriptsDirectory}.", scriptPath);
        }
        string name = Path.GetFileNameWithoutExtension(script);
        string outputPath = Path.Combine(ScriptsDirectory, "out", $"{name}-{ContentHash(scriptPath)}", $"{name}.safetensors");
        string python = Environment.GetEnvironmentVariable(PythonVariable) is { Length: > 0 } p ? p : DefaultPython;
        return Runs.GetOrAdd(outputPath, o => new Lazy<string>(() => Generate(scriptPath, o, python))).Value;
    }

    private static string Generate(string scriptPath, string outputPath, string python)
    {
        if (File.Exists(outputPath))
        {
            return outputPath;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(outputPath)!);
        if (!File.Exists(python))
        {
            throw new InvalidOperationException(
                $"Reference data for {Path.GetFileName(scriptPath)} needs {python}, which does not exist. " +
                $"Install Debian's torchvision: sudo apt-get install python3-torchvision (or set {PythonVariable}).");
        }
        string temp = $"{outputPath}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(scriptPath)!,
        };
        start.ArgumentList.Add(scriptPath);
        start.ArgumentList.Add(temp);
        start.Environment["PYTHONNOUSERSITE"] = "1";
        start.Environment.Remove("PYTHONPATH");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {python}.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            File.Delete(temp);
            throw new TimeoutException($"{Path.GetFileName(scriptPath)} did not finish within {Timeout.TotalMinutes} minutes.");
        }
        _ = stdout.Result;
        string err = stderr.Result;
        if (process.ExitCode != 0 || !File.Exists(temp))
        {
            File.Delete(temp);
            throw new InvalidOperationException(
                $"{Path.GetFileName(scriptPath)} failed with exit code {process.ExitCode}:{Environment.NewLine}{(err.Length <= 4000 ? err : err[^4000..])}");
        }
        File.Move(temp, outputPath, overwrite: true);
        return outputPath;
    }

    private static string ContentHash(string scriptPath)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(File.ReadAllBytes(scriptPath));
        string helper = Path.Combine(Path.GetDirectoryName(scriptPath)!, "st.py");
        if (File.Exists(helper))
        {
            sha.AppendData(File.ReadAllBytes(helper));
        }
        return Convert.ToHexString(sha.GetHashAndReset())[..16].ToLowerInvariant();
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lumi.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No Lumi.sln above {AppContext.BaseDirectory}: cannot find tests/reference.");
    }
}
