using Lumi.Data.Errors;

namespace Lumi.Cli.Errors;

/// <summary>The exit codes of <c>lumi</c>, documented in README ("Exit codes").</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>An unexpected failure: a bug in Lumi (the message says to rerun with --verbose and report it).</summary>
    public const int Internal = 1;

    /// <summary>The command line or the configuration is invalid.</summary>
    public const int Usage = 2;

    /// <summary>Input data (dataset, image, class list, checkpoint, model file) is missing or malformed.</summary>
    public const int InputData = 3;

    /// <summary>Batch work finished, but some items failed (each one reported in the output).</summary>
    public const int PartialFailure = 4;

    /// <summary>Not available here: a device, runtime or bundled file this machine lacks, or a port already taken.</summary>
    public const int Unavailable = 5;

    /// <summary><c>lumi train</c> stopped because a loss term became NaN or infinite (the last good checkpoint is kept).</summary>
    public const int Diverged = 6;

    /// <summary><c>lumi train</c> stopped on Ctrl-C or SIGTERM after writing its last checkpoint (128 + SIGINT, the shell's convention).</summary>
    public const int Interrupted = 130;

    public static int For(Exception exception) => exception switch
    {
        UsageException => Usage,
        InputDataException => InputData,
        UnavailableException => Unavailable,
        Lumi.Models.Training.TrainingDivergedException => Diverged,
        _ => Internal,
    };
}
