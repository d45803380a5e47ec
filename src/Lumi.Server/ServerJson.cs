using System.Text.Json;

namespace Lumi.Server;

/// <summary>How the server writes JSON: snake_case names (<c>min_size</c>, <c>max_upload_bytes</c>), as the prediction schema has them.</summary>
public static class ServerJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };
}
