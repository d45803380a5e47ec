using System.Diagnostics;

namespace Lumi.Cli.Processes;

/// <summary>
/// Runs another <c>lumi</c> command as a child process of this one: the same apphost when this process is one, else
/// <c>dotnet lumi.dll</c> with the dotnet host running this process (or <c>DOTNET_HOST_PATH</c>, or <c>dotnet</c> on the PATH).
/// </summary>
public static class LumiProcess
{
    /// <summary>How to start <c>lumi</c> with <paramref name="arguments"/>.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        string? self = Environment.ProcessPath;
        ProcessStartInfo info;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "lumi")
        {
            info = new ProcessStartInfo(self);
        }
        else
        {
            string host = self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet"
                ? self
                : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } configured ? configured : "dotnet";
            info = new ProcessStartInfo(host);
            info.ArgumentList.Add(typeof(LumiCli).Assembly.Location);
        }
        foreach (string argument in arguments) info.ArgumentList.Add(argument);
        info.UseShellExecute = false;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        return info;
    }

    /// <summary>
    /// Runs <c>lumi</c> with <paramref name="arguments"/>, copying every line it writes (stdout and stderr) to
    /// <paramref name="log"/> as it comes; returns its exit code and its last stderr line.
    /// </summary>
    public static (int ExitCode, string? LastError) Run(IEnumerable<string> arguments, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        string? lastError = null;
        object gate = new();
        using var process = new Process { StartInfo = StartInfo(arguments) };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (gate) log.WriteLine(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (gate)
            {
                log.WriteLine(e.Data);
                if (e.Data.Trim().Length > 0) lastError = e.Data;
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit();
        return (process.ExitCode, lastError);
    }
}
