using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Lumi.Cli.Errors;
using Lumi.Cli.Processes;
using Lumi.Cli.Tests.Server;
using Lumi.Data.Paths;
using Lumi.Models.FasterRcnn;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit.Abstractions;

namespace Lumi.Cli.Tests.Commands;

/// <summary>
/// <c>lumi server web</c> as a user runs it: option errors in-process, and the real <c>lumi</c> process serving a
/// checkpoint (exported by a child <c>lumi export</c> into <c>$LUMI_HOME/cache</c>, libtorch never loaded by the
/// server), printing its URL, answering, and stopping cleanly on Ctrl-C (SIGINT).
/// </summary>
[Collection(LumiHomeCollection.Name)]
public sealed partial class ServerCommandTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(new string[0], "lumi server web: give exactly one of --model FILE.onnx or --checkpoint ID|ALIAS|PATH")]
    [InlineData(new[] { "--model", "a.onnx", "--checkpoint", "demo" }, "lumi server web: give exactly one of --model FILE.onnx or --checkpoint ID|ALIAS|PATH")]
    [InlineData(new[] { "--model", "a.onnx", "--port", "70000" }, "--port: 70000 is out of range [0, 65535] (0 picks a free port)")]
    [InlineData(new[] { "--model", "a.onnx", "--host", "example.org" }, "--host: 'example.org' is not an IP address (such as 127.0.0.1, 0.0.0.0 or ::1) or 'localhost'")]
    [InlineData(new[] { "--model", "a.onnx", "--max-upload-mb", "0" }, "--max-upload-mb: 0 bytes is out of range [1 byte, 1024 MiB]")]
    [InlineData(new[] { "--model", "a.onnx", "--queue", "-1" }, "--queue: -1 must be 0 or more")]
    [InlineData(new[] { "--model", "a.onnx", "--concurrency", "0" }, "--concurrency: 0 must be at least 1")]
    public void BadOptionsAreUsageErrors(string[] args, string message)
    {
        var (code, stdout, stderr) = CliRunner.Run(["server", "web", .. args]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Empty(stdout);
        Assert.Equal(message + "\n", stderr);
    }

    [Fact]
    public void AMissingModelIsBadInputNamingIt()
    {
        var (code, _, stderr) = CliRunner.Run("server", "web", "--model", "/nonexistent/model.onnx", "--device", "cpu");
        Assert.Equal(ExitCodes.InputData, code);
        Assert.Equal("/nonexistent/model.onnx: no such model file; give the path of a graph written by 'lumi export'\n", stderr);
    }

    [Fact]
    public void ServerWithoutWebIsAUsageError()
    {
        var (code, _, stderr) = CliRunner.Run("server");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("lumi server: Required command was not provided.\n", stderr);
    }

    [Fact]
    public async Task ServesACheckpointInItsOwnProcessWithoutLibtorchAndStopsOnCtrlC()
    {
        using var files = new TempFiles();
        string folder = Path.Combine(files.Dir, "ckpt");
        TinyCheckpoint.Write(folder, new TransformOptions { MinSize = 160, MaxSize = 320 });
        string home = Path.Combine(files.Dir, "home");
        string image = Path.Combine(files.Dir, "photo.png");
        using (var picture = new Image<Rgb24>(200, 150, new Rgb24(40, 160, 90))) picture.SaveAsPng(image);

        using var server = ServerProcess.Start(home, "server", "web", "--checkpoint", folder, "--port", "0", "--device", "cpu");
        Uri url = await server.WaitForUrlAsync(TimeSpan.FromSeconds(120));
        string log = server.Stderr;
        output.WriteLine(log);

        // Exported by a child lumi export into the cache that lumi eval --checkpoint uses.
        string onnx = Assert.Single(Directory.GetFiles(Path.Combine(home, "cache", TinyCheckpoint.Id)));
        Assert.Matches(@"[0-9a-f]{16}\.onnx$", onnx);
        Assert.StartsWith($"Exporting checkpoint {TinyCheckpoint.Id} (", log);
        Assert.Contains($"\nExported checkpoint {TinyCheckpoint.Id} (", log);
        Assert.Contains($"\nServing {onnx} (2 classes: cat, dog) at {url}\n", log);
        Assert.Contains($"\nOpen {url} in a browser, or: curl -F image=@photo.jpg {url}api/predict  (Ctrl-C stops the server)\n", log);
        Assert.Equal("127.0.0.1", url.Host);

        using (var client = new HttpClient { BaseAddress = url })
        {
            Assert.Contains("\"classes\":[\"cat\",\"dog\"]", await client.GetStringAsync("api/model"));
            using var response = await client.PostAsync("api/predict", WebServerTests.Upload(image));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("{\"file\": \"photo.png\", \"width\": 200, \"height\": 150, \"objects\": [", await response.Content.ReadAsStringAsync());
        }
        string maps = File.ReadAllText($"/proc/{server.Id}/maps");
        Assert.Contains("libonnxruntime", maps);
        Assert.DoesNotContain("libtorch", maps);

        server.Interrupt();
        Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(30)), "the server did not stop on SIGINT (or SIGTERM where SIGINT is ignored)");
        Assert.Equal(ExitCodes.Ok, server.ExitCode);
        Assert.EndsWith("Stopping the server…\nStopped.\n", server.Stderr);
        Assert.Empty(server.Stdout);

        // The cache is reused, and a port in use is reported (exit 5) naming the address.
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        int port = ((IPEndPoint)busy.LocalEndpoint).Port;
        string? before = Environment.GetEnvironmentVariable(LumiHome.Variable);
        Environment.SetEnvironmentVariable(LumiHome.Variable, home);
        try
        {
            var (code, _, stderr) = CliRunner.Run("server", "web", "--checkpoint", folder, "--port", port.ToString(), "--device", "cpu");
            Assert.Equal(ExitCodes.Unavailable, code);
            Assert.StartsWith($"Reusing the export of checkpoint {TinyCheckpoint.Id} (", stderr);
            Assert.Contains($": {onnx}\ncannot listen on http://127.0.0.1:{port}: ", stderr);
            Assert.EndsWith("; choose another --port, or stop what uses it\n", stderr);
        }
        finally
        {
            Environment.SetEnvironmentVariable(LumiHome.Variable, before);
        }
    }

    /// <summary>The real <c>lumi</c> executable in a child process, its stderr collected as it comes.</summary>
    private sealed partial class ServerProcess : IDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _stderr = new();
        private readonly ConcurrentQueue<string> _stdout = new();

        private ServerProcess(Process process)
        {
            _process = process;
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _stderr.Enqueue(e.Data); };
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) _stdout.Enqueue(e.Data); };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
        }

        public int Id => _process.Id;
        public int ExitCode => _process.ExitCode;
        public string Stderr => string.Concat(_stderr.Select(l => l + "\n"));
        public string Stdout => string.Concat(_stdout.Select(l => l + "\n"));

        public static ServerProcess Start(string lumiHome, params string[] args)
        {
            ProcessStartInfo start = Lumi.Cli.Processes.LumiProcess.StartInfo(args);
            start.Environment[LumiHome.Variable] = lumiHome;
            start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
            return new ServerProcess(Process.Start(start)!);
        }

        public async Task<Uri> WaitForUrlAsync(TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < timeout)
            {
                Match match = ServingLine().Match(Stderr);
                if (match.Success) return new Uri(match.Groups[1].Value);
                if (_process.HasExited) throw new InvalidOperationException($"lumi exited {_process.ExitCode}:\n{Stderr}");
                await Task.Delay(50);
            }
            throw new TimeoutException($"no 'Serving ... at URL' line within {timeout.TotalSeconds} s:\n{Stderr}");
        }

        /// <summary>Ctrl-C: SIGINT to the process.</summary>
        /// <summary>
        /// Ctrl-C: SIGINT — unless the server ignores SIGINT, as a process does when the test run itself was started as a
        /// background job of a non-interactive shell (the shell ignores SIGINT for it, and .NET keeps a signal that was
        /// ignored at start ignored); then SIGTERM, which the server handles the same way.
        /// </summary>
        public void Interrupt()
        {
            const int SIGINT = 2, SIGTERM = 15;
            int signal = IgnoresSigint(_process.Id) ? SIGTERM : SIGINT;
            if (Kill(_process.Id, signal) != 0) throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        private static bool IgnoresSigint(int pid)
        {
            string? line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
            return line is not null
                && (ulong.Parse(line["SigIgn:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) & (1UL << (SigintNumber - 1))) != 0;
        }

        private const int SigintNumber = 2;

        public async Task<bool> WaitForExitAsync(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cancel.Token); // also drains the redirected streams
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }

        [GeneratedRegex(@"^Serving .* at (http://\S+)$", RegexOptions.Multiline)]
        private static partial Regex ServingLine();

        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        private static extern int Kill(int pid, int signal);
    }
}
