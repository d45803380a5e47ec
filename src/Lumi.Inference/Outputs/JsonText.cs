using System.Text.Encodings.Web;
using System.Text.Json;

namespace Lumi.Inference.Outputs;

/// <summary>JSON string literals as people read them: quotes as <c>\"</c> and non-ASCII names kept, not <c>\u0022</c> escapes.</summary>
internal static class JsonText
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string String(string value) => JsonSerializer.Serialize(value, Options);
}
