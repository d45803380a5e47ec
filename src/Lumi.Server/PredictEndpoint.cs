using System.Diagnostics;
using System.Globalization;
using Lumi.Data.Errors;
using Lumi.Data.Imaging;
using Lumi.Inference;
using Lumi.Inference.Outputs;
using Lumi.Inference.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using SixLabors.ImageSharp;

namespace Lumi.Server;

/// <summary>
/// <c>POST /api/predict</c>: a multipart upload with the image in the field <c>image</c> and optional <c>min_prob</c> and
/// <c>max_detections</c> (form fields or query parameters) → the image's line of <c>lumi predict</c>'s JSON
/// (<see cref="JsonLinesWriter.Line"/>, shared/DESIGN.md §5): <c>{"file", "width", "height", "objects"}</c>. A refused request throws
/// <see cref="ApiException"/> with its status: 400 no image or a bad field, 415 not an image, 400 an image that cannot be
/// decoded, 413 too many bytes or pixels, 503 the queue is full.
/// </summary>
internal sealed class PredictEndpoint(Detector detector, PredictionQueue queue, WebServerOptions options, TextWriter log)
{
    public const string ImageField = "image";
    public const string MinProbField = "min_prob";
    public const string MaxDetectionsField = "max_detections";

    private readonly ImageDecoder _decoder = new(options.MaxPixels);

    public async Task<string> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // Admission before the body is read: a full queue costs the server nothing but this answer.
        using IDisposable slot = await queue.TryEnterAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new ApiException(StatusCodes.Status503ServiceUnavailable,
                $"the server is busy: {queue.Concurrency} predictions are running and {queue.QueueLength} are waiting; try again shortly");
        var clock = Stopwatch.StartNew();
        IFormCollection form = await ReadFormAsync(request, cancellationToken).ConfigureAwait(false);
        IFormFile file = ImageFile(form);
        DetectionOverrides overrides = Overrides(form, request.Query);
        string name = UploadName(file);

        using var buffer = new MemoryStream(checked((int)file.Length));
        await file.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        RgbImage image = Decode(buffer, name);
        Detection[] found = detector.Predict(image, overrides);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"POST /api/predict {name}: {image.Width}x{image.Height}, {found.Length} object{(found.Length == 1 ? "" : "s")} in {clock.Elapsed.TotalMilliseconds:F0} ms"));
        return JsonLinesWriter.Line(new ImagePrediction(0, name, image.Width, image.Height, found));
    }

    private async Task<IFormCollection> ReadFormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > options.MaxUploadBytes)
            throw TooLarge();
        if (!request.HasFormContentType)
        {
            if (string.IsNullOrEmpty(request.ContentType) && request.ContentLength is null or 0)
                throw NoImage();
            throw new ApiException(StatusCodes.Status415UnsupportedMediaType,
                $"the request's Content-Type is '{request.ContentType}': send a multipart/form-data upload with the image in a file field named '{ImageField}'");
        }
        try
        {
            return await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(e);
        }
        catch (BadHttpRequestException e)
        {
            throw new ApiException(StatusCodes.Status400BadRequest, $"cannot read the upload: {e.Message}", e);
        }
        catch (InvalidDataException e)
        {
            // The form reader's own limits and a malformed multipart body.
            throw new ApiException(StatusCodes.Status400BadRequest, $"cannot read the multipart upload: {e.Message}", e);
        }
        catch (IOException e) when (!cancellationToken.IsCancellationRequested)
        {
            // A body that ends before its multipart boundary says it does.
            throw new ApiException(StatusCodes.Status400BadRequest, $"cannot read the upload: {e.Message}", e);
        }
    }

    private static IFormFile ImageFile(IFormCollection form)
    {
        IFormFile? file = form.Files.GetFile(ImageField);
        if (file is null)
        {
            if (form.ContainsKey(ImageField))
                throw new ApiException(StatusCodes.Status400BadRequest,
                    $"the field '{ImageField}' is text: send the image as a file (in a browser form: <input type=file name={ImageField}>; with curl: -F {ImageField}=@photo.jpg)");
            throw NoImage();
        }
        if (file.Length == 0)
            throw new ApiException(StatusCodes.Status400BadRequest, $"{UploadName(file)}: the uploaded image is empty (0 bytes)");
        return file;
    }

    private static DetectionOverrides Overrides(IFormCollection form, IQueryCollection query)
    {
        string? minProb = Field(form, query, MinProbField);
        string? maxDetections = Field(form, query, MaxDetectionsField);
        float? score = null;
        int? max = null;
        if (minProb is not null)
        {
            if (!float.TryParse(minProb, NumberStyles.Float, CultureInfo.InvariantCulture, out float p) || !(p is >= 0f and <= 1f))
                throw new ApiException(StatusCodes.Status400BadRequest, $"{MinProbField}: '{minProb}' is not a number in [0, 1]");
            score = p;
        }
        if (maxDetections is not null)
        {
            if (!int.TryParse(maxDetections, NumberStyles.None, CultureInfo.InvariantCulture, out int m) || m < 1)
                throw new ApiException(StatusCodes.Status400BadRequest, $"{MaxDetectionsField}: '{maxDetections}' is not a whole number of at least 1");
            max = m;
        }
        return new DetectionOverrides { ScoreThreshold = score, MaxDetections = max };
    }

    /// <summary>A form field, else the query parameter of that name, else null; given twice is an error.</summary>
    private static string? Field(IFormCollection form, IQueryCollection query, string name)
    {
        StringValues values = form.TryGetValue(name, out var f) ? f : query.TryGetValue(name, out var q) ? q : StringValues.Empty;
        if (values.Count > 1)
            throw new ApiException(StatusCodes.Status400BadRequest, $"{name}: given {values.Count} times; give it once");
        string? value = values.Count == 1 ? values[0] : null;
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    private RgbImage Decode(MemoryStream buffer, string name)
    {
        buffer.Position = 0;
        ImageHeader header;
        try
        {
            header = _decoder.Identify(buffer, name);
        }
        catch (InputDataException e)
        {
            // 415 when no decoder recognises the bytes at all; 400 when a format is recognised but its header is broken.
            buffer.Position = 0;
            bool recognised = Image.DetectFormat(buffer) is not null;
            throw new ApiException(recognised ? StatusCodes.Status400BadRequest : StatusCodes.Status415UnsupportedMediaType, e.Message, e);
        }
        if (header.PixelCount > options.MaxPixels)
        {
            throw new ApiException(StatusCodes.Status413PayloadTooLarge,
                $"{name}: {header.Width}x{header.Height} = {header.PixelCount} pixels is more than this server's limit of {options.MaxPixels} pixels (lumi server web --max-pixels)");
        }
        buffer.Position = 0;
        try
        {
            return _decoder.Decode(buffer, name);
        }
        catch (InputDataException e)
        {
            throw new ApiException(StatusCodes.Status400BadRequest, e.Message, e);
        }
    }

    /// <summary>The client's file name without any folder part (what a browser sends), or "upload" when it sent none.</summary>
    private static string UploadName(IFormFile file)
    {
        string name = Path.GetFileName(file.FileName.Replace('\\', '/'));
        return string.IsNullOrWhiteSpace(name) ? "upload" : name;
    }

    private static ApiException NoImage() => new(StatusCodes.Status400BadRequest,
        $"no image: send a multipart/form-data upload with the image in a file field named '{ImageField}' (with curl: -F {ImageField}=@photo.jpg)");

    private ApiException TooLarge(Exception? inner = null) => new(StatusCodes.Status413PayloadTooLarge,
        $"the upload is larger than this server's limit of {options.MaxUploadBytes} bytes (lumi server web --max-upload-mb)", inner);
}
