using Lumi.Data.Metrics;

namespace Lumi.Data.Tests.Metrics;

public sealed class AveragePrecisionTests
{
    [Fact]
    public void ElevenPointCountsARecallOfExactlyThreeTenths()
    {
        // One point at recall 3/10, precision 1: t = 0, 0.1, 0.2, 0.3 reach it → 4/11.
        Assert.Equal(4.0 / 11, AveragePrecision.ElevenPoint([3.0 / 10], [1.0]), 12);
    }

    [Fact]
    public void AreaUsesTheEnvelope()
    {
        // Points (0.5, 0.5) then (1, 1): the envelope lifts the first to 1 → area 1.
        Assert.Equal(1.0, AveragePrecision.AreaUnderCurve([0.5, 1.0], [0.5, 1.0]), 12);
        Assert.Equal(0.0, AveragePrecision.AreaUnderCurve([], []));
        Assert.Equal(0.0, AveragePrecision.ElevenPoint([], []));
    }

    [Fact]
    public void Coco101PointReadsTheEnvelopeAtEachThreshold()
    {
        // Points (0.5, 1), (0.5, 0.5), (1, 2/3): thresholds 0..0.50 (51) read 1, 0.51..1 (50) read 2/3.
        Assert.Equal((51 + 50 * 2.0 / 3) / 101, AveragePrecision.Coco101Point([0.5, 0.5, 1.0], [1.0, 0.5, 2.0 / 3]), 12);
    }

    [Fact]
    public void ThresholdsMatchNumpyLinspace()
    {
        // numpy.linspace(.5, .95, 10)[8] is 0.8999999999999999 (8 · 0.049999999999999996 + 0.5), not 0.9.
        Assert.Equal(0.8999999999999999, CocoParameters.IouThresholds[8]);
        Assert.Equal(0.75, CocoParameters.IouThresholds[5]);
        Assert.Equal(0.7, CocoParameters.IouThresholds[4]);
        Assert.Equal(0.35000000000000003, CocoParameters.RecallThresholds[35]);
        Assert.Equal(1.0, CocoParameters.RecallThresholds[100]);
    }

    [Fact]
    public void LengthsMustAgree()
    {
        var ex = Assert.Throws<ArgumentException>(() => AveragePrecision.ElevenPoint([0.1], []));
        Assert.Equal("recall has 1 points and precision 0: they must have the same length.", ex.Message);
    }
}
