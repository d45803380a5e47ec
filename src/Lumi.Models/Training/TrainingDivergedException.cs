using Lumi.Data.Errors;

namespace Lumi.Models.Training;

/// <summary>A loss term became NaN or infinite: training stops, naming the step and the term; the last good checkpoint stays.</summary>
public sealed class TrainingDivergedException : LumiException
{
    public TrainingDivergedException(string message) : base(message) { }
}
