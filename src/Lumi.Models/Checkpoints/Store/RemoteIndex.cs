using System.Text.Json;
using System.Text.Json.Nodes;
using Lumi.Data.Errors;

namespace Lumi.Models.Checkpoints.Store;

/// <summary>
/// The remote checkpoint index of a store: fetched by <see cref="Refresh"/> from <c>--index-url</c>,
/// <c>LUMI_INDEX_URL</c> or the index built into Lumi (this repository's <c>checkpoints/index.json</c>), and cached as
/// <c>$LUMI_HOME/index.json</c>. Until the first refresh, the built-in index is used (or <c>LUMI_INDEX_URL</c>'s,
/// fetched then).
/// </summary>
public sealed class RemoteIndex
{
    public const string UrlVariable = "LUMI_INDEX_URL";

    /// <summary>How the built-in index is named in messages and in the cache.</summary>
    public const string BuiltInSource = "builtin:checkpoints/index.json";

    private const string ResourceName = "Lumi.Models.Checkpoints.index.json";
    private readonly HttpClient _http;

    public RemoteIndex(CheckpointStore store, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
        _http = http ?? CheckpointHttp.Shared;
    }

    public CheckpointStore Store { get; }

    /// <summary><c>$LUMI_HOME/index.json</c>: the last refreshed index, with where it came from.</summary>
    public string CachePath => Path.Combine(Store.Home, "index.json");

    /// <summary>The index shipped with Lumi (<c>checkpoints/index.json</c> of the repository, built into the library).</summary>
    public static CheckpointIndex BuiltIn() => CheckpointIndex.Parse(BuiltInText(), BuiltInSource, null);

    /// <summary>The text of the built-in index.</summary>
    public static string BuiltInText()
    {
        using var stream = typeof(RemoteIndex).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The built-in checkpoint index ({ResourceName}) is missing from {typeof(RemoteIndex).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The cached index; without one, <c>LUMI_INDEX_URL</c>'s (fetched and cached now) or the built-in one.</summary>
    public CheckpointIndex Load()
    {
        if (File.Exists(CachePath))
        {
            string text = File.ReadAllText(CachePath);
            Uri? baseUri = null;
            string source = CachePath;
            try
            {
                var node = JsonNode.Parse(text) as JsonObject;
                if (node?["base"] is JsonValue b && b.TryGetValue(out string? baseText) && Uri.TryCreate(baseText, UriKind.Absolute, out var parsed))
                    baseUri = parsed;
                if (node?["source"] is JsonValue s && s.TryGetValue(out string? sourceText))
                    source = $"{CachePath} (from {sourceText})";
            }
            catch (JsonException)
            {
                // Parse below reports it with the file's name.
            }
            return CheckpointIndex.Parse(text, source, baseUri);
        }
        return ConfiguredUrl is { } url ? Refresh(url) : BuiltIn();
    }

    /// <summary><c>LUMI_INDEX_URL</c>, when set.</summary>
    public static string? ConfiguredUrl =>
        Environment.GetEnvironmentVariable(UrlVariable) is { Length: > 0 } url ? url : null;

    /// <summary>
    /// Fetches the index at <paramref name="url"/> (else <c>LUMI_INDEX_URL</c>, else the built-in one), validates it and
    /// replaces the cache (written to a temporary name and renamed); a bad index leaves the cache as it was.
    /// </summary>
    public CheckpointIndex Refresh(string? url = null)
    {
        url ??= ConfiguredUrl;
        string text;
        string source;
        Uri? baseUri;
        if (url is null || url == BuiltInSource)
        {
            text = BuiltInText();
            source = BuiltInSource;
            baseUri = null;
        }
        else
        {
            baseUri = ToUri(url);
            source = baseUri.IsFile ? baseUri.LocalPath : baseUri.ToString();
            text = Fetch(baseUri);
        }
        var index = CheckpointIndex.Parse(text, source, baseUri);

        JsonObject root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })!.AsObject();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new InputDataException($"{source}: not a JSON object ({e.Message})", e);
        }
        var cached = new JsonObject
        {
            ["source"] = source,
            ["base"] = baseUri?.ToString(),
            ["refreshed_at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["checkpoints"] = root["checkpoints"]!.DeepClone(),
        };
        Directory.CreateDirectory(Store.Home);
        string temp = $"{CachePath}.tmp-{Environment.ProcessId}";
        File.WriteAllText(temp, cached.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temp, CachePath, overwrite: true);
        return index;
    }

    /// <summary>An http(s) or file URL, or a local path (made absolute).</summary>
    public static Uri ToUri(string url)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "file") return uri;
        if (Uri.TryCreate(url, UriKind.Absolute, out var other) && other.Scheme.Length > 1 && !Path.IsPathRooted(url))
            throw new UsageException($"--index-url: '{url}' is not an http, https or file URL, nor a path");
        return new Uri(Path.GetFullPath(url));
    }

    private string Fetch(Uri url)
    {
        const string what = "checkpoint index";
        if (url.IsFile)
        {
            try
            {
                return File.ReadAllText(url.LocalPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InputDataException($"{what} {url.LocalPath}: cannot read it ({e.Message})", e);
            }
        }
        HttpResponseMessage response;
        try
        {
            using var cancel = new CancellationTokenSource(CheckpointDownloader.DefaultIdleTimeout);
            response = _http.Send(new HttpRequestMessage(HttpMethod.Get, url), HttpCompletionOption.ResponseContentRead, cancel.Token);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            throw CheckpointHttp.Unreachable(url, e, what);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode) throw CheckpointHttp.Status(url, response, what);
            using var stream = response.Content.ReadAsStream();
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }
}
