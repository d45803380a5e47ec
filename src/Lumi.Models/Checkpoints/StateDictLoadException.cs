namespace Lumi.Models.Checkpoints;

/// <summary>A state dict that does not fit a module; <see cref="Result"/> lists every key involved.</summary>
public sealed class StateDictLoadException : Exception
{
    public StateDictLoadException(string message, StateDictLoadResult result) : base(message) => Result = result;

    public StateDictLoadResult Result { get; }
}
