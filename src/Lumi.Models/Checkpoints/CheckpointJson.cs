using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lumi.Models.Checkpoints;

/// <summary>How <c>checkpoint.json</c> is written: snake_case keys, indented, times as ISO 8601 UTC.</summary>
internal static class CheckpointJson
{
    public const string FileName = "checkpoint.json";
    public const string WeightsFileName = "weights.safetensors";

    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new UtcTimeConverter(), new JsonStringEnumConverter<CheckpointKind>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    private sealed class UtcTimeConverter : JsonConverter<DateTimeOffset>
    {
        private const string Format = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'";

        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            string s = reader.GetString() ?? throw new JsonException("created_at must be a string");
            if (!DateTimeOffset.TryParseExact(s, Format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
                throw new JsonException($"'{s}' is not an ISO 8601 UTC time like 2025-01-31T12:00:00Z");
            return t;
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToUniversalTime().ToString(Format, CultureInfo.InvariantCulture));
    }
}
