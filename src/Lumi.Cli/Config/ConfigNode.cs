namespace Lumi.Cli.Config;

/// <summary>
/// One node of a configuration tree as read from YAML or from <c>-o</c>, before binding:
/// a <see cref="ConfigMap"/>, a <see cref="ConfigList"/> or a <see cref="ConfigScalar"/>.
/// Nodes are immutable; merging builds new maps.
/// </summary>
public abstract class ConfigNode
{
    /// <summary>Where the node came from (<c>file:line:column</c> or <c>-o key=value</c>), for messages.</summary>
    public string? Source { get; init; }

    /// <summary>How the node reads in a message: the scalar's text, or a YAML flow rendering.</summary>
    public abstract string Describe();
}
