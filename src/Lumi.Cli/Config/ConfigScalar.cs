namespace Lumi.Cli.Config;

/// <summary>
/// A scalar exactly as written. Its type is decided when it is bound to a property (so
/// <c>1e-3</c> is a number for a <c>double</c> and text for a <c>string</c>); parsing then uses the
/// invariant culture.
/// </summary>
public sealed class ConfigScalar : ConfigNode
{
    public ConfigScalar(string text, bool quoted = false)
    {
        Text = text;
        Quoted = quoted;
    }

    public string Text { get; }

    /// <summary>Written in quotes: always a string, never null, a number or a boolean.</summary>
    public bool Quoted { get; }

    /// <summary>YAML's null: an empty plain scalar, <c>~</c> or <c>null</c>.</summary>
    public bool IsNull => !Quoted && Text is "" or "~" or "null" or "Null" or "NULL";

    public override string Describe() => Quoted ? $"'{Text}'" : Text.Length == 0 ? "null" : Text;
}
