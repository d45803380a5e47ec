using Lumi.Inference;

namespace Lumi.Server;

/// <summary>
/// The answer of <c>GET /api/model</c>: the served graph's file name, classes (label L names <c>classes[L - 1]</c>) and
/// <c>lumi.*</c> metadata (<see cref="GraphMetadata"/>), where it runs, and the server's upload limits.
/// </summary>
public sealed record ModelInfo(
    string Model,
    IReadOnlyList<string> Classes,
    string Format,
    int MinSize,
    int MaxSize,
    int SizeDivisible,
    string Device,
    long MaxUploadBytes,
    long MaxPixels)
{
    public static ModelInfo Describe(Detector detector, WebServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(options);
        GraphMetadata m = detector.Metadata;
        string device = detector.Options.Device.UseCuda ? $"cuda:{detector.Options.Device.CudaIndex}" : "cpu";
        return new ModelInfo(Path.GetFileName(detector.Path), m.Classes, m.Format, m.MinSize, m.MaxSize, m.SizeDivisible,
            device, options.MaxUploadBytes, options.MaxPixels);
    }
}
