using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Lumi.Inference;
using Lumi.Inference.Outputs;
using Lumi.Server;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit.Abstractions;

namespace Lumi.Cli.Tests.Server;

/// <summary>
/// The real server on a free 127.0.0.1 port, over HTTP: predictions equal <see cref="Detector.Predict(string, DetectionOverrides?)"/>,
/// every refused request has its status and exact JSON message, 50 concurrent requests are all answered correctly.
/// </summary>
[Collection(WebServerCollection.Name)]
public sealed class WebServerTests(ServerFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task AnUploadedImageGetsTheDetectorsObjectsInThePredictionSchema()
    {
        string path = fixture.Model.Image("photo.png", 200, 150, 1);
        Detection[] expected = fixture.Detector.Predict(path);

        using HttpResponseMessage response = await fixture.Client.PostAsync("api/predict", Upload(path));
        string json = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("{\"file\": \"photo.png\", \"width\": 200, \"height\": 150, \"objects\": [{\"bbox\": [", json);
        output.WriteLine($"{expected.Length} objects; {json[..Math.Min(json.Length, 300)]}");
        Assert.InRange(expected.Length, 3, 199);
        AssertSame(expected, Parse(json));
    }

    [Fact]
    public async Task MinProbAndMaxDetectionsComeFromFormFieldsOrTheQuery()
    {
        string path = fixture.Model.Image("fields.png", 180, 160, 2);
        Detection[] all = fixture.Detector.Predict(path);
        float threshold = (all[all.Length / 2].Score + all[all.Length / 2 - 1].Score) / 2;
        string minProb = threshold.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

        using var form = Upload(path, fields: [("min_prob", minProb)]);
        using HttpResponseMessage strict = await fixture.Client.PostAsync("api/predict", form);
        using HttpResponseMessage top2 = await fixture.Client.PostAsync("api/predict?max_detections=2", Upload(path));

        AssertSame(fixture.Detector.Predict(path, new DetectionOverrides { ScoreThreshold = threshold }), Parse(await strict.Content.ReadAsStringAsync()));
        var best = Parse(await top2.Content.ReadAsStringAsync());
        Assert.Equal(2, best.Objects.Count);
        AssertSame(all.Take(2).ToArray(), best);
        Assert.True(Parse(await strict.Content.ReadAsStringAsync()).Objects.Count < all.Length);
    }

    [Fact]
    public async Task TheModelEndpointGivesClassesAndMetadata()
    {
        string json = await fixture.Client.GetStringAsync("api/model");
        Assert.Equal(
            "{\"model\":\"model.onnx\",\"classes\":[\"cat\",\"dog\"],\"format\":\"1\",\"min_size\":160,\"max_size\":320,\"size_divisible\":32," +
            "\"device\":\"cpu\",\"max_upload_bytes\":33554432,\"max_pixels\":64000000}",
            json);
    }

    [Fact]
    public async Task ThePageIsOneSelfContainedHtmlFile()
    {
        using HttpResponseMessage response = await fixture.Client.GetAsync("/");
        string html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(WebPage.Html, html);
        Assert.Contains("<canvas id=\"canvas\">", html);
        Assert.Contains("<input id=\"threshold\" type=\"range\"", html);
        Assert.DoesNotContain("<script src", html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.StartsWith("default-src 'none';", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    public static readonly TheoryData<string, string, HttpStatusCode, string> RefusedUploads = new()
    {
        { "no image field", "", HttpStatusCode.BadRequest,
            "no image: send a multipart/form-data upload with the image in a file field named 'image' (with curl: -F image=@photo.jpg)" },
        { "image as text", "text", HttpStatusCode.BadRequest,
            "the field 'image' is text: send the image as a file (in a browser form: <input type=file name=image>; with curl: -F image=@photo.jpg)" },
        { "empty file", "empty", HttpStatusCode.BadRequest, "empty.png: the uploaded image is empty (0 bytes)" },
        { "not an image", "notes.txt", HttpStatusCode.UnsupportedMediaType,
            "notes.txt: not an image in a format ImageSharp reads (formats: BMP, GIF, JPEG, PBM, PNG, TGA, TIFF, Webp)" },
        { "a PNG cut short", "truncated.png", HttpStatusCode.BadRequest, "truncated.png: cannot decode the PNG image: " },
        { "bad min_prob", "min_prob=1.5", HttpStatusCode.BadRequest, "min_prob: '1.5' is not a number in [0, 1]" },
        { "bad min_prob text", "min_prob=high", HttpStatusCode.BadRequest, "min_prob: 'high' is not a number in [0, 1]" },
        { "bad max_detections", "max_detections=0", HttpStatusCode.BadRequest, "max_detections: '0' is not a whole number of at least 1" },
    };

    [Theory]
    [MemberData(nameof(RefusedUploads))]
    public async Task ARefusedUploadIsJsonWithItsStatus(string what, string upload, HttpStatusCode status, string message)
    {
        _ = what;
        var form = new MultipartFormDataContent();
        string png = fixture.Model.Image("ok.png", 64, 48, 3);
        switch (upload)
        {
            case "":
                form.Add(new StringContent("0.5"), "min_prob");
                break;
            case "text":
                form.Add(new StringContent("photo.jpg"), "image");
                break;
            case "empty":
                form.Add(new ByteArrayContent([]), "image", "empty.png");
                break;
            case "notes.txt":
                form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes("these are my notes, not a picture\n")), "image", "notes.txt");
                break;
            case "truncated.png":
                byte[] bytes = File.ReadAllBytes(png);
                form.Add(new ByteArrayContent(bytes[..(bytes.Length / 2)]), "image", "truncated.png");
                break;
            default:
                form = Upload(png, fields: [(upload.Split('=')[0], upload.Split('=')[1])]);
                break;
        }
        using HttpResponseMessage response = await fixture.Client.PostAsync("api/predict", form);
        await AssertError(response, status, message, prefix: upload == "truncated.png");
    }

    [Fact]
    public async Task ABodyThatIsNotMultipartIs415AndNoBodyIs400()
    {
        using var json = await fixture.Client.PostAsync("api/predict", new StringContent("{\"image\": \"cat.jpg\"}", Encoding.UTF8, "application/json"));
        await AssertError(json, HttpStatusCode.UnsupportedMediaType,
            "the request's Content-Type is 'application/json; charset=utf-8': send a multipart/form-data upload with the image in a file field named 'image'");
        using var empty = await fixture.Client.PostAsync("api/predict", null);
        await AssertError(empty, HttpStatusCode.BadRequest,
            "no image: send a multipart/form-data upload with the image in a file field named 'image' (with curl: -F image=@photo.jpg)");
    }

    [Fact]
    public async Task TooManyBytesOrPixelsIs413()
    {
        WebServer limited = await fixture.StartAsync(new WebServerOptions { MaxUploadBytes = 50_000, MaxPixels = 100_000 });
        using var client = new HttpClient { BaseAddress = limited.Url };

        // 2000×1000 of one colour: a few kilobytes of PNG, two million pixels.
        string wide = Path.Combine(fixture.Files.Dir, "wide.png");
        using (var image = new Image<Rgb24>(2000, 1000, new Rgb24(90, 120, 200))) image.SaveAsPng(wide);
        using var pixels = await client.PostAsync("api/predict", Upload(wide));
        await AssertError(pixels, HttpStatusCode.RequestEntityTooLarge,
            "wide.png: 2000x1000 = 2000000 pixels is more than this server's limit of 100000 pixels (lumi server web --max-pixels)");

        // Random bytes do not compress: 80 kB of PNG.
        string noisy = Path.Combine(fixture.Files.Dir, "noisy.png");
        var random = new Random(4);
        using (var image = new Image<Rgb24>(170, 160))
        {
            image.ProcessPixelRows(rows =>
            {
                for (int y = 0; y < rows.Height; y++)
                    foreach (ref Rgb24 p in rows.GetRowSpan(y)) p = new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
            });
            image.SaveAsPng(noisy);
        }
        Assert.InRange(new FileInfo(noisy).Length, 60_000, 100_000);
        using var bytes = await client.PostAsync("api/predict", Upload(noisy));
        await AssertError(bytes, HttpStatusCode.RequestEntityTooLarge,
            "the upload is larger than this server's limit of 50000 bytes (lumi server web --max-upload-mb)");

        // A body without Content-Length (chunked) is cut by Kestrel while it is read; sent over a raw socket, because
        // HttpClient stops at the failed write when the server answers early and closes.
        var form = Upload(noisy);
        byte[] body = await form.ReadAsByteArrayAsync();
        string answer = await RawChunkedPost(limited.Url, "/api/predict", form.Headers.ContentType!.ToString(), body);
        Assert.StartsWith("HTTP/1.1 413 Payload Too Large\r\n", answer);
        Assert.EndsWith("{\"error\":\"the upload is larger than this server's limit of 50000 bytes (lumi server web --max-upload-mb)\"}", answer);
    }

    private static async Task<string> RawChunkedPost(Uri server, string path, string contentType, byte[] body)
    {
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(server.Host, server.Port);
        var stream = socket.GetStream();
        var request = new MemoryStream();
        request.Write(Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: {contentType}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"));
        for (int offset = 0; offset < body.Length; offset += 8192)
        {
            int n = Math.Min(8192, body.Length - offset);
            request.Write(Encoding.ASCII.GetBytes($"{n:x}\r\n"));
            request.Write(body, offset, n);
            request.Write("\r\n"u8);
        }
        request.Write("0\r\n\r\n"u8);
        try
        {
            await stream.WriteAsync(request.ToArray());
        }
        catch (IOException)
        {
            // The server may close its side once it has answered; the answer is still there to read.
        }
        var answer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(answer);
        }
        catch (IOException)
        {
            // A reset after the answer.
        }
        string text = Encoding.UTF8.GetString(answer.ToArray());
        // Drop the chunk framing of the response body, if any.
        int bodyStart = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (bodyStart > 0 && text[..bodyStart].Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            var sb = new StringBuilder();
            int i = bodyStart + 4;
            while (i < text.Length)
            {
                int eol = text.IndexOf("\r\n", i, StringComparison.Ordinal);
                int size = Convert.ToInt32(text[i..eol], 16);
                if (size == 0) break;
                sb.Append(text, eol + 2, size);
                i = eol + 2 + size + 2;
            }
            text = text[..(bodyStart + 4)] + sb;
        }
        return text;
    }

    [Fact]
    public async Task UnknownPathsAndMethodsAreJsonErrors()
    {
        using var missing = await fixture.Client.GetAsync("api/nothing");
        await AssertError(missing, HttpStatusCode.NotFound,
            "not found: GET /api/nothing; the page is GET /, the API is GET /api/model and POST /api/predict");
        using var method = await fixture.Client.GetAsync("api/predict");
        await AssertError(method, HttpStatusCode.MethodNotAllowed,
            "method not allowed: GET /api/predict; the API is GET /api/model and POST /api/predict");
    }

    [Fact]
    public async Task AnInternalErrorIs500WithoutAStackTrace()
    {
        // A detector disposed under the server: its Predict throws.
        var detector = Detector.Load(fixture.Model.ModelPath);
        WebServer broken = await fixture.StartAsync(new WebServerOptions(), detector);
        detector.Dispose();
        using var client = new HttpClient { BaseAddress = broken.Url };

        using var response = await client.PostAsync("api/predict", Upload(fixture.Model.Image("any.png", 64, 64, 5)));

        await AssertError(response, HttpStatusCode.InternalServerError,
            "internal error: ObjectDisposedException: Cannot access a disposed object.; the server's log has the details");
        Assert.Contains("internal error in POST /api/predict: ObjectDisposedException: Cannot access a disposed object. (rerun with --verbose for the stack trace)", fixture.Log.ToString());
        Assert.DoesNotContain(" at ", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AFullQueueIs503AtOnceAndTheWaitingRequestStillGetsItsAnswer()
    {
        WebServer small = await fixture.StartAsync(new WebServerOptions { Concurrency = 1, QueueLength = 0 });
        using var client = new HttpClient { BaseAddress = small.Url };
        string path = fixture.Model.Image("slow.png", 120, 100, 6);

        // The first upload holds the only slot while its body is still coming.
        var gate = new TaskCompletionSource();
        var upload = Upload(path);
        var slow = new ChunkedContent(await upload.ReadAsByteArrayAsync(), upload.Headers.ContentType!, gate.Task);
        Task<HttpResponseMessage> first = client.PostAsync("api/predict", slow);
        while (small.Queue.Admitted < 1) await Task.Delay(10);

        using var refused = await client.PostAsync("api/predict", Upload(path));
        await AssertError(refused, HttpStatusCode.ServiceUnavailable,
            "the server is busy: 1 predictions are running and 0 are waiting; try again shortly");
        Assert.Equal("1", refused.Headers.GetValues("Retry-After").Single());

        gate.SetResult();
        using HttpResponseMessage answered = await first;
        Assert.True(answered.StatusCode == HttpStatusCode.OK, await answered.Content.ReadAsStringAsync() + "\n" + fixture.Log);
        AssertSame(fixture.Detector.Predict(path), Parse(await answered.Content.ReadAsStringAsync()));
        Assert.Equal(0, small.Queue.Admitted);
    }

    [Fact]
    public async Task FiftyConcurrentRequestsAreAllAnsweredCorrectly()
    {
        string[] paths = Enumerable.Range(0, 5).Select(i => fixture.Model.Image($"many{i}.png", 120 + 20 * i, 160 - 10 * i, 40 + i)).ToArray();
        Detection[][] expected = paths.Select(p => fixture.Detector.Predict(p)).ToArray();

        var requests = Enumerable.Range(0, 50).Select(async i =>
        {
            using HttpResponseMessage response = await fixture.Client.PostAsync("api/predict", Upload(paths[i % paths.Length]));
            return (i, response.StatusCode, Json: await response.Content.ReadAsStringAsync());
        }).ToArray();
        var answers = await Task.WhenAll(requests);

        foreach (var (i, status, json) in answers)
        {
            Assert.True(status == HttpStatusCode.OK, $"request {i}: {status} {json}");
            PredictionResponse parsed = Parse(json);
            Assert.Equal(Path.GetFileName(paths[i % paths.Length]), parsed.File);
            AssertSame(expected[i % paths.Length], parsed);
        }
        Assert.All(expected, e => Assert.NotEmpty(e));
    }

    internal static MultipartFormDataContent Upload(string path, string? name = null, (string Name, string Value)[]? fields = null)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(File.ReadAllBytes(path));
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "image", name ?? Path.GetFileName(path));
        foreach (var (field, value) in fields ?? [])
            form.Add(new StringContent(value), field);
        return form;
    }

    internal static PredictionResponse Parse(string json) =>
        System.Text.Json.JsonSerializer.Deserialize<PredictionResponse>(json, ServerJson.Options) ?? throw new InvalidOperationException("null response");

    /// <summary>The same objects in the same order, with the rounding of <c>lumi predict</c>'s JSON (<see cref="Numbers"/>).</summary>
    internal static void AssertSame(IReadOnlyList<Detection> expected, PredictionResponse actual)
    {
        Assert.Equal(
            expected.Select(d => (Numbers.Coordinate(d.X1), Numbers.Coordinate(d.Y1), Numbers.Coordinate(d.X2), Numbers.Coordinate(d.Y2), d.ClassName, Numbers.Probability(d.Score))),
            actual.Objects.Select(o => (o.Bbox[0], o.Bbox[1], o.Bbox[2], o.Bbox[3], o.Label, o.Prob)));
    }

    private static async Task AssertError(HttpResponseMessage response, HttpStatusCode status, string message, bool prefix = false)
    {
        string json = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {status}, got {response.StatusCode}: {json}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = await response.Content.ReadFromJsonAsync<ApiError>(ServerJson.Options);
        Assert.NotNull(error);
        if (prefix) Assert.StartsWith(message, error.Error);
        else Assert.Equal(message, error.Error);
        Assert.DoesNotContain("   at ", json);
    }

    /// <summary>A body sent without Content-Length (chunked), optionally holding its second half until <paramref name="gate"/> completes.</summary>
    private sealed class ChunkedContent : HttpContent
    {
        private readonly byte[] _body;
        private readonly Task _gate;

        public ChunkedContent(byte[] body, MediaTypeHeaderValue type, Task? gate = null)
        {
            _body = body;
            _gate = gate ?? Task.CompletedTask;
            Headers.ContentType = type;
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            int half = _body.Length / 2;
            await stream.WriteAsync(_body.AsMemory(0, half));
            await stream.FlushAsync();
            await _gate;
            await stream.WriteAsync(_body.AsMemory(half));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
