using Lumi.Models.Ops;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Models.Tests.Ops;

/// <summary>Memory that grows per iteration is a bug: repeated steps must leave the live-tensor count where it was.</summary>
public sealed class OpsLifetimeTests
{
    [Fact]
    public void RepeatedRoiAlignTrainingStepsKeepTheLiveTensorCountConstant()
    {
        using var features = randn(2, 8, 20, 24);
        using var rois = tensor(new float[] { 0, 1, 2, 30, 40, 1, -5, -5, 50, 20, 0, 10, 10, 11, 12, 1, 60, 70, 90, 95 }).reshape(4, 5);
        long? baseline = null;
        for (int step = 0; step < 8; step++)
        {
            using (var scope = torch.NewDisposeScope())
            {
                var x = features.detach().requires_grad_(true);
                RoiAlign.Apply(x, rois, (7, 7), 0.5, 2).pow(2).sum().backward();
                RoiAlign.Apply(x.detach(), rois, (3, 3), 0.5, 0).sum();
                using var keep = NonMaxSuppression.BatchedNms(rois[.., 1..], rois[.., 0], rois[.., 0].to(ScalarType.Int64), 0.5);
            }
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            if (step == 2) baseline = live; // after warm-up
            if (step > 2) Assert.True(live <= baseline, $"live tensors grew from {baseline} to {live} at step {step}");
        }
    }
}
