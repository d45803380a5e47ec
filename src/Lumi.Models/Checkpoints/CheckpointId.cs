using System.Security.Cryptography;

namespace Lumi.Models.Checkpoints;

/// <summary>Checkpoint ids: 12 random lower-case hex digits (48 bits), short enough to type.</summary>
public static class CheckpointId
{
    public const int Length = 12;

    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(Length / 2));

    public static bool IsValid(string id) => id.Length == Length && id.All(char.IsAsciiHexDigitLower);
}
