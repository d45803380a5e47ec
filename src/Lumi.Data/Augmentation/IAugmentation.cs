namespace Lumi.Data.Augmentation;

/// <summary>
/// One box-aware augmentation step. <see cref="Apply"/> draws its randomness from <paramref name="random"/>
/// only (a seeded generator gives the same result), never modifies the sample it is given (its image may be
/// cached by the caller) and returns either that sample unchanged or a new one whose boxes follow the pixels.
/// </summary>
public interface IAugmentation
{
    TrainSample Apply(TrainSample sample, Random random);
}
