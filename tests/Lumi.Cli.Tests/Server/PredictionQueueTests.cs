using Lumi.Server;

namespace Lumi.Cli.Tests.Server;

/// <summary>The bounded admission in front of the detector: slots, waiting places, refusal when both are taken.</summary>
public sealed class PredictionQueueTests
{
    [Fact]
    public async Task RequestsBeyondTheSlotsWaitAndBeyondTheQueueAreRefused()
    {
        using var queue = new PredictionQueue(concurrency: 2, queueLength: 1);
        IDisposable? first = await queue.TryEnterAsync(CancellationToken.None);
        IDisposable? second = await queue.TryEnterAsync(CancellationToken.None);
        Task<IDisposable?> waiting = queue.TryEnterAsync(CancellationToken.None);
        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(3, queue.Admitted);

        Assert.Null(await queue.TryEnterAsync(CancellationToken.None));
        Assert.Equal(3, queue.Admitted);

        first.Dispose();
        first.Dispose(); // a slot is given back once
        using IDisposable? third = await waiting;
        Assert.NotNull(third);
        Assert.Equal(2, queue.Admitted);
        second.Dispose();
        Assert.Equal(1, queue.Admitted);
    }

    [Fact]
    public async Task AWaiterWhoseClientLeavesGivesUpItsPlace()
    {
        using var queue = new PredictionQueue(concurrency: 1, queueLength: 1);
        using IDisposable? running = await queue.TryEnterAsync(CancellationToken.None);
        using var gone = new CancellationTokenSource();
        Task<IDisposable?> waiting = queue.TryEnterAsync(gone.Token);
        gone.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(1, queue.Admitted);
    }

    [Fact]
    public void SettingsOutOfRangeAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PredictionQueue(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PredictionQueue(1, -1));
    }
}
