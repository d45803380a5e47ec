using System.Text.Encodings.Web;
using System.Text.Json;

namespace Lumi.Server;

/// <summary>
/// How the server writes JSON: snake_case names (<c>min_size</c>, <c>max_upload_bytes</c>), as the prediction schema has
/// them, and text as it is (class names and messages in any script, quotes unescaped): every answer is
/// <c>application/json</c> with <c>nosniff</c>, never pasted into HTML.
/// </summary>
public static class ServerJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
