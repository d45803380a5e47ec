namespace Lumi.Server;

/// <summary>
/// Admission for prediction requests: at most <see cref="Concurrency"/> run at once, at most <see cref="QueueLength"/>
/// more wait for a slot, and any request beyond that is refused at once (the server answers 503) instead of piling up.
/// </summary>
public sealed class PredictionQueue : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private int _admitted;

    public PredictionQueue(int concurrency, int queueLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(queueLength);
        Concurrency = concurrency;
        QueueLength = queueLength;
        _slots = new SemaphoreSlim(concurrency, concurrency);
    }

    public int Concurrency { get; }
    public int QueueLength { get; }

    /// <summary>Requests running or waiting now.</summary>
    public int Admitted => Volatile.Read(ref _admitted);

    /// <summary>
    /// Waits for a slot and returns it (dispose it to give it back), or returns null at once when
    /// <see cref="Concurrency"/> + <see cref="QueueLength"/> requests are already running or waiting.
    /// </summary>
    public async Task<IDisposable?> TryEnterAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _admitted) > Concurrency + QueueLength)
        {
            Interlocked.Decrement(ref _admitted);
            return null;
        }
        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Interlocked.Decrement(ref _admitted);
            throw;
        }
        return new Slot(this);
    }

    private void Leave()
    {
        _slots.Release();
        Interlocked.Decrement(ref _admitted);
    }

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(PredictionQueue queue) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) queue.Leave();
        }
    }
}
