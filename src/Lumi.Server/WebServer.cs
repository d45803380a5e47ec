using System.Net;
using System.Net.Sockets;
using Lumi.Data.Errors;
using Lumi.Inference;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lumi.Server;

/// <summary>
/// <c>lumi server web</c>: ASP.NET Core (Kestrel) serving one <see cref="Detector"/> —
/// <c>GET /</c> the page (<see cref="WebPage"/>), <c>GET /api/model</c> (<see cref="ModelInfo"/>),
/// <c>POST /api/predict</c> (the image's line of <c>lumi predict</c>'s JSON). Every error is <see cref="ApiError"/> JSON with its
/// status, never a stack trace. Predictions go through a bounded <see cref="PredictionQueue"/>; the detector's one
/// ONNX Runtime session is shared by them (its <c>Run</c> is thread-safe).
/// </summary>
public sealed class WebServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly PredictionQueue _queue;
    private int _stopped;

    private WebServer(WebApplication app, PredictionQueue queue, Uri url)
    {
        _app = app;
        _queue = queue;
        Url = url;
    }

    /// <summary>Where the server listens, with the actual port when <see cref="WebServerOptions.Port"/> was 0.</summary>
    public Uri Url { get; }

    /// <summary>The admission of prediction requests (tests watch it).</summary>
    internal PredictionQueue Queue => _queue;

    /// <summary>
    /// Starts listening and returns once the port is bound. The caller keeps ownership of <paramref name="detector"/>
    /// (dispose it after the server). One line per prediction and per internal error goes to <paramref name="log"/>;
    /// <paramref name="verbose"/> adds the stack trace of internal errors there (never to a client).
    /// </summary>
    /// <exception cref="UsageException">An option is out of range (<see cref="WebServerOptions.Validate"/>).</exception>
    /// <exception cref="UnavailableException">The address cannot be bound (in use, or not an address of this machine).</exception>
    public static async Task<WebServer> StartAsync(Detector detector, WebServerOptions options, TextWriter log, bool verbose = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        IPAddress? address = options.Validate();
        log = TextWriter.Synchronized(log);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(WebServer).Assembly.GetName().Name,
            // Not the working directory: a stray appsettings.json there must not change the server.
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, PassiveLifetime>();
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.Configure<FormOptions>(f =>
        {
            // Kestrel's body limit is the one that applies (413); the form reader's must not cut in first.
            f.MultipartBodyLengthLimit = Math.Max(options.MaxUploadBytes, f.MultipartBodyLengthLimit);
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxUploadBytes;
            if (address is null) kestrel.ListenLocalhost(options.Port);
            else kestrel.Listen(address, options.Port);
        });

        WebApplication app = builder.Build();
        var queue = new PredictionQueue(options.Concurrency, options.QueueLength);
        var endpoint = new PredictEndpoint(detector, queue, options, log);
        var model = ModelInfo.Describe(detector, options);
        Map(app, endpoint, model, log, verbose);

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            queue.Dispose();
            await app.DisposeAsync().ConfigureAwait(false);
            string wanted = $"http://{(address?.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : options.Host)}:{options.Port}";
            throw new UnavailableException($"cannot listen on {wanted}: {e.Message.TrimEnd('.')}; choose another --port, or stop what uses it", e);
        }
        string bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new WebServer(app, queue, new Uri(bound));
    }

    /// <summary>Stops listening, lets requests in flight finish (up to 5 s), then returns.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _app.StopAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _queue.Dispose();
    }

    private static void Map(WebApplication app, PredictEndpoint endpoint, ModelInfo model, TextWriter log, bool verbose)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = async context =>
            {
                Exception? e = context.Features.Get<IExceptionHandlerFeature>()?.Error;
                string what = e is null ? "unknown" : $"{e.GetType().Name}: {FirstLine(e.Message)}";
                log.WriteLine($"internal error in {context.Request.Method} {context.Request.Path}: {what}{(verbose ? "" : " (rerun with --verbose for the stack trace)")}");
                if (verbose && e is not null) log.WriteLine(e.ToString());
                await WriteError(context.Response, StatusCodes.Status500InternalServerError,
                    $"internal error: {what}; the server's log has the details").ConfigureAwait(false);
            },
        });
        app.UseStatusCodePages(async status =>
        {
            HttpContext context = status.HttpContext;
            string request = $"{context.Request.Method} {context.Request.Path}";
            string message = context.Response.StatusCode switch
            {
                StatusCodes.Status404NotFound => $"not found: {request}; the page is GET /, the API is GET /api/model and POST /api/predict",
                StatusCodes.Status405MethodNotAllowed => $"method not allowed: {request}; the API is GET /api/model and POST /api/predict",
                int code => $"{request}: HTTP {code}",
            };
            await WriteError(context.Response, context.Response.StatusCode, message).ConfigureAwait(false);
        });
        app.Use(async (context, next) =>
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            await next(context).ConfigureAwait(false);
        });

        app.MapGet("/", (HttpContext context) =>
        {
            // Everything the page needs is inline; images are shown from blob: URLs of the chosen file.
            context.Response.Headers.ContentSecurityPolicy =
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src blob: data:; connect-src 'self'";
            return Results.Text(WebPage.Html, "text/html; charset=utf-8");
        });
        app.MapGet("/api/model", () => Results.Json(model, ServerJson.Options));
        app.MapPost("/api/predict", async (HttpContext context) =>
        {
            try
            {
                string json = await endpoint.HandleAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
                context.Response.ContentType = "application/json; charset=utf-8";
                await context.Response.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
            }
            catch (ApiException e)
            {
                log.WriteLine($"POST /api/predict: {e.StatusCode} {e.Message}");
                if (e.StatusCode == StatusCodes.Status503ServiceUnavailable) context.Response.Headers.RetryAfter = "1";
                await WriteError(context.Response, e.StatusCode, e.Message).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away; nobody reads an answer.
            }
        });
    }

    private static async Task WriteError(HttpResponse response, int status, string message)
    {
        if (response.HasStarted) return;
        response.StatusCode = status;
        await response.WriteAsJsonAsync(new ApiError(message), ServerJson.Options).ConfigureAwait(false);
    }

    private static string FirstLine(string message)
    {
        int newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
