using System.CommandLine;
using System.Runtime.InteropServices;
using Lumi.Cli.Processes;
using Lumi.Data.Devices;
using Lumi.Data.Errors;
using Lumi.Inference;
using Lumi.Inference.Devices;
using Lumi.Server;

namespace Lumi.Cli.Commands;

/// <summary><c>lumi server web</c>: a page to try a model and a JSON API (<see cref="WebServer"/>), with ONNX Runtime only (issue 9).</summary>
public static class ServerCommand
{
    public static Command Create()
    {
        var command = new Command("server", "Serve a model over HTTP with a page to try it (lumi server web).");
        command.Subcommands.Add(CreateWeb());
        return command;
    }

    private static Command CreateWeb()
    {
        var defaults = new WebServerOptions();
        var model = new Option<FileInfo?>("--model") { Description = "An ONNX graph exported by lumi export.", HelpName = "FILE.onnx" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "A checkpoint (id, alias or path): exported once into $LUMI_HOME/cache by a child lumi export, then served as --model.", HelpName = "ID|ALIAS|PATH" };
        var host = new Option<string>("--host") { Description = "The address to listen on: 127.0.0.1 (this machine only), 0.0.0.0 (every interface), ::1, or localhost.", DefaultValueFactory = _ => WebServerOptions.DefaultHost };
        var port = new Option<int>("--port") { Description = "The TCP port (0: any free port).", DefaultValueFactory = _ => WebServerOptions.DefaultPort };
        var maxUpload = new Option<double>("--max-upload-mb") { Description = "The largest upload accepted, in MiB (larger: 413).", DefaultValueFactory = _ => defaults.MaxUploadBytes / (double)(1 << 20) };
        var maxPixels = new Option<long>("--max-pixels") { Description = "The largest image decoded, in pixels (larger: 413).", DefaultValueFactory = _ => defaults.MaxPixels };
        var concurrency = new Option<int>("--concurrency") { Description = "Predictions that run at the same time (they share one ONNX Runtime session).", DefaultValueFactory = _ => defaults.Concurrency };
        var queue = new Option<int>("--queue") { Description = "Prediction requests that may wait for a slot; more get 503 at once.", DefaultValueFactory = _ => defaults.QueueLength };
        var device = CommonOptions.Device();

        var command = new Command("web", "Serve a model: a page at / to upload an image and see its boxes, POST /api/predict and GET /api/model.");
        foreach (var option in new Option[] { model, checkpoint, host, port, device, maxUpload, maxPixels, concurrency, queue })
            command.Options.Add(option);
        command.SetAction(int (ParseResult result) =>
        {
            TextWriter stderr = result.InvocationConfiguration.Error;
            FileInfo? modelFile = result.GetValue(model);
            string? checkpointRef = result.GetValue(checkpoint);
            if ((modelFile is null) == (checkpointRef is null))
                throw new UsageException("lumi server web: give exactly one of --model FILE.onnx or --checkpoint ID|ALIAS|PATH");
            double uploadMb = result.GetValue(maxUpload);
            var options = new WebServerOptions
            {
                Host = result.GetValue(host)!,
                Port = result.GetValue(port),
                MaxUploadBytes = double.IsFinite(uploadMb) && uploadMb > 0 ? (long)Math.Ceiling(uploadMb * (1 << 20)) : 0,
                MaxPixels = result.GetValue(maxPixels),
                Concurrency = result.GetValue(concurrency),
                QueueLength = result.GetValue(queue),
            };
            options.Validate();
            DeviceSpec deviceSpec = result.GetValue(device) ?? DeviceSpec.Auto;

            string onnx = checkpointRef is not null ? ChildExport.GetOrExport(checkpointRef, stderr) : modelFile!.FullName;
            using Detector detector = Detector.Load(onnx, new DetectorOptions
            {
                Device = OnnxDevice.Resolve(deviceSpec, stderr.WriteLine),
                MaxPixels = options.MaxPixels,
            });
            Serve(detector, options, stderr, result.GetValue<bool>("--verbose")).GetAwaiter().GetResult();
            return 0;
        });
        return command;
    }

    /// <summary>Runs the server until Ctrl-C (SIGINT) or SIGTERM, then stops it, letting requests in flight finish.</summary>
    private static async Task Serve(Detector detector, WebServerOptions options, TextWriter stderr, bool verbose)
    {
        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true; // stop cleanly below instead of the runtime's default termination
            stop.Cancel();
        }
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        await using WebServer server = await WebServer.StartAsync(detector, options, stderr, verbose).ConfigureAwait(false);
        string classes = string.Join(", ", detector.Classes.Take(8)) + (detector.Classes.Count > 8 ? ", …" : "");
        stderr.WriteLine($"Serving {detector.Path} ({detector.Classes.Count} classes: {classes}) at {server.Url}");
        stderr.WriteLine($"Open {server.Url} in a browser, or: curl -F image=@photo.jpg {server.Url}api/predict  (Ctrl-C stops the server)");
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C or SIGTERM.
        }
        stderr.WriteLine("Stopping the server…");
        await server.StopAsync().ConfigureAwait(false);
        stderr.WriteLine("Stopped.");
    }
}
