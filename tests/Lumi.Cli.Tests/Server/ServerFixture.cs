using Lumi.Cli.Tests.Inference;
using Lumi.Inference;
using Lumi.Models.Export;
using Lumi.Server;

namespace Lumi.Cli.Tests.Server;

/// <summary>
/// The tiny exported model of <see cref="DetectorFixture"/> served by a real <see cref="WebServer"/> on a free
/// 127.0.0.1 port, with an HTTP client for it. <see cref="StartAsync"/> starts more servers with other limits.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private readonly List<WebServer> _servers = [];

    public DetectorFixture Model { get; } = new();
    public Detector Detector => Model.Detector;
    public TempFiles Files => Model.Files;
    public StringWriter Log { get; } = new();
    public WebServer Server { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await StartAsync(new WebServerOptions { Port = 0 });
        Client = new HttpClient { BaseAddress = Server.Url, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>Another server for <paramref name="detector"/> (default: the fixture's), stopped with the fixture.</summary>
    public async Task<WebServer> StartAsync(WebServerOptions options, Detector? detector = null)
    {
        WebServer server = await WebServer.StartAsync(detector ?? Detector, options with { Port = 0 }, Log);
        lock (_servers) _servers.Add(server);
        return server;
    }

    /// <summary>The fixture's model exported again with other defaults (fewer detections for a readable page).</summary>
    public string Export(string name, ExportOptions options)
    {
        string path = Path.Combine(Files.Dir, name);
        OnnxExporter.Export(Model.Model, DetectorFixture.ClassNames, options, path);
        return path;
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        foreach (WebServer server in _servers) await server.DisposeAsync();
        Model.Dispose();
    }
}
