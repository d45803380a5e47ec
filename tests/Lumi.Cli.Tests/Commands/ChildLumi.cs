using System.Diagnostics;
using System.Text;

namespace Lumi.Cli.Tests.Commands;

/// <summary><c>lumi</c> as a real child process (for signals): stderr collected as it comes.</summary>
internal sealed class ChildLumi : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private ChildLumi(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public static ChildLumi Start(IEnumerable<string> args)
    {
        ProcessStartInfo info = Lumi.Cli.Processes.LumiProcess.StartInfo(args);
        info.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        return new ChildLumi(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    public void WaitFor(Func<string, bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition(Stderr))
        {
            if (_process.HasExited) throw new InvalidOperationException($"lumi exited ({_process.ExitCode}) before the condition held:\n{Stderr}");
            if (clock.Elapsed > timeout) throw new TimeoutException($"waited {timeout} for lumi:\n{Stderr}");
            Thread.Sleep(50);
        }
    }

    public void Signal(string name)
    {
        using var kill = Process.Start("kill", $"-{name} {_process.Id}");
        kill.WaitForExit();
    }

    public void Kill9()
    {
        Signal("KILL");
        _process.WaitForExit();
    }

    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) throw new TimeoutException($"lumi did not exit within {timeout}:\n{Stderr}");
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
