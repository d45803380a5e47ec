using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Lumi.Models.Tests.Checkpoints;

/// <summary>
/// Runs a reference script under tests/reference with Debian's Python (<c>/usr/bin/python3</c>: torch 1.13,
/// torchvision 0.14) and caches its outputs in <c>tests/reference/out/&lt;script&gt;-&lt;hash&gt;/</c>, keyed by the
/// content of the script and the helpers it imports, so a changed script reruns and an unchanged one does not.
/// </summary>
internal static class PythonFixture
{
    public const string Python = "/usr/bin/python3";
    private static readonly object Gate = new();
    private static readonly Dictionary<string, string> Done = new();

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string ReferenceDir => Path.Combine(RepoRoot, "tests", "reference");

    /// <summary>The folder holding the outputs of <paramref name="script"/> (a file in tests/reference), made if missing.</summary>
    /// <param name="script">The script's file name; it is called as <c>python3 SCRIPT OUT_DIR</c>.</param>
    /// <param name="dependencies">Other files in tests/reference that the script imports (part of the cache key).</param>
    public static string Outputs(string script, params string[] dependencies)
    {
        lock (Gate)
        {
            if (Done.TryGetValue(script, out var cached)) return cached;
            string hash = Hash(new[] { script }.Concat(dependencies));
            string outRoot = Path.Combine(ReferenceDir, "out");
            string target = Path.Combine(outRoot, $"{Path.GetFileNameWithoutExtension(script)}-{hash}");
            if (!Directory.Exists(target))
            {
                Directory.CreateDirectory(outRoot);
                // Another test process may be making the same outputs: take a file lock, then look again.
                using var lockFile = AcquireLock(Path.Combine(outRoot, Path.GetFileNameWithoutExtension(script) + ".lock"));
                if (!Directory.Exists(target)) RunScript(script, outRoot, target);
            }
            Done[script] = target;
            return target;
        }
    }

    private static void RunScript(string script, string outRoot, string target)
    {
        if (!File.Exists(Python))
            throw new InvalidOperationException($"{Python} is missing: install Debian's python3-torchvision (the reference outputs come from torch 1.13 / torchvision 0.14).");
        string temp = Path.Combine(outRoot, $".tmp-{Path.GetFileName(target)}-{Environment.ProcessId}");
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        var psi = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoRoot,
        };
        psi.ArgumentList.Add(Path.Combine(ReferenceDir, script));
        psi.ArgumentList.Add(temp);
        psi.Environment["PYTHONNOUSERSITE"] = "1";
        psi.Environment.Remove("PYTHONPATH");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} ran for more than 10 minutes.");
        }
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{Python} {script} failed with exit code {p.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
        Directory.Move(temp, target);
        // Outputs of earlier versions of the script are stale: remove them.
        foreach (var stale in Directory.GetDirectories(outRoot, Path.GetFileNameWithoutExtension(script) + "-*"))
            if (stale != target) Directory.Delete(stale, recursive: true);
    }

    private static string Hash(IEnumerable<string> files)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var f in files)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(f + "\n"));
            sha.AppendData(File.ReadAllBytes(Path.Combine(ReferenceDir, f)));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..12];
    }

    private static FileStream AcquireLock(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(15);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Lumi.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No Lumi.sln above {AppContext.BaseDirectory}.");
    }
}
