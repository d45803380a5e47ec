using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;

namespace Lumi.Tests.Reference;

/// <summary>
/// Runs a torchvision oracle script from <c>tests/reference/</c> when its output is missing and returns the
/// path of that output. Outputs are cached in <c>tests/reference/out/&lt;script&gt;-&lt;hash&gt;/</c> (gitignored),
/// keyed by the content of the script and of the shared helper <c>st.py</c>: editing either regenerates.
/// A script is called as <c>python3 SCRIPT OUT_FILE</c> and must write one safetensors file to OUT_FILE
/// (or, with <see cref="GetDirectory"/>, as <c>python3 SCRIPT OUT_DIR</c>). Linked into every test project
/// that needs an oracle (tests/Shared), so Lumi.Data's tests do not depend on Lumi.Models'.
/// </summary>
/// <remarks>
/// The interpreter is Debian's <c>/usr/bin/python3</c> (with <c>python3-torchvision</c>) unless
/// <c>LUMI_REFERENCE_PYTHON</c> names another one. Concurrent callers in one process share one run;
/// separate processes are safe too (each writes a temporary file and renames it).
/// </remarks>
public static class ReferenceData
{
    public const string PythonVariable = "LUMI_REFERENCE_PYTHON";
    public const string DefaultPython = "/usr/bin/python3";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);
    private static readonly ConcurrentDictionary<string, Lazy<string>> Runs = new();

    /// <summary>The repository root (the folder holding <c>Lumi.sln</c>), found from the test's output folder upwards.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Folder of the oracle scripts, <c>tests/reference</c>.</summary>
    public static string ScriptsDirectory => Path.Combine(RepoRoot, "tests", "reference");

    /// <summary>
    /// The output file of <paramref name="script"/> (a file name in <c>tests/reference/</c>, e.g.
    /// <c>"ops_reference.py"</c>), generating it first if the cache has none for the script's current content.
    /// </summary>
    public static string Get(string script) =>
        Get(script, ScriptsDirectory, Environment.GetEnvironmentVariable(PythonVariable) is { Length: > 0 } p ? p : DefaultPython);

    /// <summary><see cref="Get(string)"/> with the scripts' folder and the interpreter given (for tests of this helper).</summary>
    internal static string Get(string script, string scriptsDirectory, string python)
    {
        string scriptPath = Path.Combine(scriptsDirectory, script);
        if (!File.Exists(scriptPath))
        {
            var available = Directory.Exists(scriptsDirectory)
                ? string.Join(", ", Directory.GetFiles(scriptsDirectory, "*.py").Select(Path.GetFileName).Order(StringComparer.Ordinal))
                : "(none)";
            throw new FileNotFoundException($"No reference script '{script}' in {scriptsDirectory}. Available: {available}.", scriptPath);
        }
        string hash = ContentHash(scriptPath);
        string name = Path.GetFileNameWithoutExtension(script);
        string outputPath = Path.Combine(scriptsDirectory, "out", $"{name}-{hash}", $"{name}.safetensors");
        return Runs.GetOrAdd(outputPath, p => new Lazy<string>(() => Generate(scriptPath, p, python))).Value;
    }

    /// <summary>
    /// The output folder of a script that writes several files (called as <c>python3 SCRIPT OUT_DIR</c>),
    /// generating it first if the cache has none for the script's current content.
    /// </summary>
    public static string GetDirectory(string script)
    {
        string scriptPath = Path.Combine(ScriptsDirectory, script);
        if (!File.Exists(scriptPath))
            throw new FileNotFoundException($"No reference script '{script}' in {ScriptsDirectory}.", scriptPath);
        string name = Path.GetFileNameWithoutExtension(script);
        string outputPath = Path.Combine(ScriptsDirectory, "out", $"{name}-{ContentHash(scriptPath)}", "files");
        string python = Environment.GetEnvironmentVariable(PythonVariable) is { Length: > 0 } p ? p : DefaultPython;
        return Runs.GetOrAdd(outputPath, o => new Lazy<string>(() => Generate(scriptPath, o, python))).Value;
    }

    private static string Generate(string scriptPath, string outputPath, string python)
    {
        if (File.Exists(outputPath) || Directory.Exists(outputPath)) return outputPath;
        Directory.CreateDirectory(Path.GetDirectoryName(outputPath)!);
        if (!File.Exists(python))
            throw new InvalidOperationException(
                $"Reference data for {Path.GetFileName(scriptPath)} needs {python}, which does not exist. " +
                "Install Debian's torchvision: sudo apt-get install python3-torchvision " +
                $"(or set {PythonVariable} to a python3 that can import torch and torchvision).");

        string temp = $"{outputPath}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(scriptPath)!,
        };
        start.ArgumentList.Add(scriptPath);
        start.ArgumentList.Add(temp);
        // Debian's torch, not a user-site or virtual-environment one.
        start.Environment["PYTHONNOUSERSITE"] = "1";
        start.Environment.Remove("PYTHONPATH");

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {python}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            DeletePath(temp);
            throw new TimeoutException($"{Path.GetFileName(scriptPath)} did not finish within {Timeout.TotalMinutes} minutes.");
        }
        string err = stderr.Result;
        _ = stdout.Result;
        if (process.ExitCode != 0 || !(File.Exists(temp) || Directory.Exists(temp)))
        {
            DeletePath(temp);
            if (err.Contains("No module named 'torchvision'") || err.Contains("No module named 'torch'"))
                throw new InvalidOperationException(
                    $"{python} cannot import torch/torchvision, needed by {Path.GetFileName(scriptPath)}. " +
                    "Install Debian's torchvision: sudo apt-get install python3-torchvision.");
            throw new InvalidOperationException(
                $"{Path.GetFileName(scriptPath)} failed with exit code {process.ExitCode}:{Environment.NewLine}{Tail(err, 4000)}");
        }
        if (Directory.Exists(temp))
        {
            try { Directory.Move(temp, outputPath); }
            catch (IOException) when (Directory.Exists(outputPath)) { Directory.Delete(temp, recursive: true); } // another process won
        }
        else
        {
            File.Move(temp, outputPath, overwrite: true);
        }
        return outputPath;
    }

    private static void DeletePath(string path)
    {
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        else File.Delete(path);
    }

    /// <summary>First 16 hex digits of SHA-256 over the script and the shared <c>st.py</c> helper.</summary>
    private static string ContentHash(string scriptPath)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(File.ReadAllBytes(scriptPath));
        string helper = Path.Combine(Path.GetDirectoryName(scriptPath)!, "st.py");
        if (File.Exists(helper)) sha.AppendData(File.ReadAllBytes(helper));
        return Convert.ToHexString(sha.GetHashAndReset())[..16].ToLowerInvariant();
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Lumi.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"No Lumi.sln above {AppContext.BaseDirectory}: cannot find tests/reference.");
    }

    private static string Tail(string text, int max) => text.Length <= max ? text : "…" + text[^max..];
}
