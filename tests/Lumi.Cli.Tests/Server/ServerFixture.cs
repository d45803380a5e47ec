using Lumi.Cli.Tests.Inference;
using Lumi.Inference;
using Lumi.Models.Export;
using Lumi.Server;
using static TorchSharp.torch;

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

    /// <summary>
    /// The fixture's model exported again with other defaults, its class-score layer's weights ×4 and bias 0 (scores
    /// that follow the features more than a class prior); the model itself is left as it was.
    /// </summary>
    public string ExportWithFeatureDrivenScores(string name, ExportOptions options)
    {
        string path = Path.Combine(Files.Dir, name);
        var state = Model.Model.state_dict();
        using var weight = state["roi_heads.box_predictor.cls_score.weight"].clone();
        using var bias = state["roi_heads.box_predictor.cls_score.bias"].clone();
        try
        {
            using (no_grad())
            {
                state["roi_heads.box_predictor.cls_score.weight"].mul_(4);
                state["roi_heads.box_predictor.cls_score.bias"].zero_();
            }
            OnnxExporter.Export(Model.Model, DetectorFixture.ClassNames, options, path);
        }
        finally
        {
            using (no_grad())
            {
                state["roi_heads.box_predictor.cls_score.weight"].copy_(weight);
                state["roi_heads.box_predictor.cls_score.bias"].copy_(bias);
            }
        }
        return path;
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        foreach (WebServer server in _servers) await server.DisposeAsync();
        Model.Dispose();
    }
}
