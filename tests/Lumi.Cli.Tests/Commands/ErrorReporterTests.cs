using Lumi.Cli.Errors;
using Lumi.Data.Errors;

namespace Lumi.Cli.Tests.Commands;

public sealed class ErrorReporterTests
{
    [Theory]
    [InlineData(typeof(UsageException), ExitCodes.Usage)]
    [InlineData(typeof(InputDataException), ExitCodes.InputData)]
    [InlineData(typeof(UnavailableException), ExitCodes.Unavailable)]
    [InlineData(typeof(Lumi.Models.Training.TrainingDivergedException), ExitCodes.Diverged)]
    [InlineData(typeof(InvalidOperationException), ExitCodes.Internal)]
    public void EachKindOfFailureHasItsOwnExitCode(Type type, int code)
    {
        var e = type == typeof(Lumi.Models.Training.TrainingDivergedException)
            ? new Lumi.Models.Training.TrainingDivergedException("boom")
            : (Exception)Activator.CreateInstance(type, "boom", null)!;
        Assert.Equal(code, ExitCodes.For(e));
    }

    [Fact]
    public void ExitCodesAreDistinct()
    {
        int[] codes = { ExitCodes.Ok, ExitCodes.Internal, ExitCodes.Usage, ExitCodes.InputData, ExitCodes.PartialFailure, ExitCodes.Unavailable, ExitCodes.Diverged, ExitCodes.Interrupted };
        Assert.Equal(codes.Length, codes.Distinct().Count());
        Assert.Equal(new[] { 0, 1, 2, 3, 4, 5, 6, 130 }, codes);
    }

    [Fact]
    public void AnUnexpectedFailureIsOneLineWithoutAStackTrace()
    {
        using var stderr = new StringWriter { NewLine = "\n" };
        int code = ErrorReporter.Report(Thrown(new InvalidOperationException("state broke\nsecond line")), verbose: false, stderr);
        Assert.Equal(ExitCodes.Internal, code);
        Assert.Equal(
            "internal error: InvalidOperationException: state broke (rerun with --verbose for the stack trace); please report it\n",
            stderr.ToString());
    }

    [Fact]
    public void VerboseAddsTheStackTraceToAnUnexpectedFailure()
    {
        using var stderr = new StringWriter { NewLine = "\n" };
        ErrorReporter.Report(Thrown(new InvalidOperationException("state broke")), verbose: true, stderr);
        Assert.Contains("   at ", stderr.ToString());
    }

    private static Exception Thrown(Exception e)
    {
        try
        {
            throw e;
        }
        catch (Exception caught)
        {
            return caught;
        }
    }
}
