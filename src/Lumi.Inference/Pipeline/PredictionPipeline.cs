using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Lumi.Data.Errors;
using Lumi.Data.Imaging;

namespace Lumi.Inference.Pipeline;

/// <summary>
/// Predicts a list of image files with one <see cref="Detector"/> in three stages, so that the model never waits for
/// the disk or the JPEG decoder:
/// <list type="number">
/// <item><b>decode</b>: <see cref="PipelineOptions.Workers"/> threads decode (EXIF orientation, pixel limit) and resize
/// by the graph's rule, taking images in input order, into a bounded queue;</item>
/// <item><b>infer</b>: one thread groups queued images of similar size into batches (<see cref="PipelineOptions.BatchSize"/>)
/// and runs the graph;</item>
/// <item><b>write</b>: the calling thread filters the detections and hands each image's result to the writer in input
/// order.</item>
/// </list>
/// An image that cannot be decoded or predicted becomes a failed <see cref="ImagePrediction"/> and the rest go on
/// (unless <see cref="PipelineOptions.FailFast"/>). Memory is bounded whatever the number of images: at most
/// <c>QueueSize + 2·BatchSize + Workers</c> images are between decoding and writing.
/// </summary>
public sealed class PredictionPipeline
{
    /// <summary>Detections the graph returns per image when a class filter is active (filtered afterwards, then cut to the maximum).</summary>
    public const int FilteredCandidates = 100;

    /// <summary>How long the inference stage waits for more images before it runs a partial batch.</summary>
    private const int IdleFlushMilliseconds = 20;

    private readonly Detector _detector;
    private readonly PipelineOptions _options;
    private readonly ImageDecoder _decoder;
    private readonly DetectionOverrides _overrides;

    public PredictionPipeline(Detector detector, PipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _detector = detector;
        _options = options;
        _decoder = new ImageDecoder(options.MaxPixels);
        bool filtered = options.Classes?.IsActive == true;
        _overrides = new DetectionOverrides
        {
            ScoreThreshold = options.MinProb,
            // A class filter drops detections after the graph's top-k: ask for enough candidates that the wanted classes survive.
            MaxDetections = filtered ? Math.Max(options.MaxDetections, FilteredCandidates) : options.MaxDetections,
        };
    }

    /// <summary>The largest number of images between decoding and writing at any time.</summary>
    public int Window => _options.QueueSize + 2 * _options.BatchSize + _options.Workers;

    /// <summary>
    /// Predicts <paramref name="files"/>; <paramref name="write"/> receives every image's result in input order, on the
    /// calling thread, and <paramref name="progress"/> the number written after each. An exception from
    /// <paramref name="write"/> stops the run and is rethrown.
    /// </summary>
    public PipelineSummary Run(IReadOnlyList<string> files, Action<ImagePrediction> write, Action<int>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(write);
        var clock = Stopwatch.StartNew();
        using var permits = new SemaphoreSlim(Window);
        using var decoded = new BlockingCollection<DecodedImage>(_options.QueueSize);
        // Unbounded, but the permits bound it: an image holds its permit until it is written.
        using var results = new BlockingCollection<ImagePrediction>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var crashes = new ConcurrentQueue<Exception>();
        int next = -1;
        int decoding = _options.Workers;

        var threads = new List<Thread>();
        for (int w = 0; w < _options.Workers; w++)
        {
            threads.Add(new Thread(() =>
            {
                try
                {
                    while (true)
                    {
                        permits.Wait(stop.Token);
                        int i = Interlocked.Increment(ref next);
                        if (i >= files.Count)
                        {
                            permits.Release();
                            break;
                        }
                        decoded.Add(Decode(i, files[i]), stop.Token);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
                catch (Exception e)
                {
                    crashes.Enqueue(e);
                    stop.Cancel();
                }
                finally
                {
                    if (Interlocked.Decrement(ref decoding) == 0) decoded.CompleteAdding();
                }
            }) { IsBackground = true, Name = $"lumi-decode-{w}" });
        }
        threads.Add(new Thread(() =>
        {
            try
            {
                Infer(decoded, results, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                crashes.Enqueue(e);
                stop.Cancel();
            }
            finally
            {
                results.CompleteAdding();
            }
        }) { IsBackground = true, Name = "lumi-infer" });
        foreach (Thread thread in threads) thread.Start();

        var reorder = new Dictionary<int, ImagePrediction>();
        int written = 0, failed = 0;
        long detections = 0;
        ImagePrediction? firstFailure = null;
        try
        {
            foreach (ImagePrediction result in results.GetConsumingEnumerable(stop.Token))
            {
                reorder.Add(result.Index, result);
                while (!stop.IsCancellationRequested && reorder.Remove(written, out ImagePrediction? ready))
                {
                    write(ready);
                    written++;
                    permits.Release();
                    if (ready.Failed)
                    {
                        failed++;
                        firstFailure ??= ready;
                        if (_options.FailFast) stop.Cancel();
                    }
                    else
                    {
                        detections += ready.Objects.Count;
                    }
                    progress?.Invoke(written);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            // Normally every stage has finished; after a failure or an exception from the writer, stop them.
            if (written < files.Count) stop.Cancel();
            foreach (Thread thread in threads) thread.Join();
        }
        if (crashes.TryDequeue(out Exception? crash))
        {
            ExceptionDispatchInfo.Capture(crash).Throw();
        }
        cancellation.ThrowIfCancellationRequested();
        return new PipelineSummary(files.Count, written, failed, detections, clock.Elapsed.TotalSeconds, firstFailure);
    }

    private DecodedImage Decode(int index, string file)
    {
        try
        {
            RgbImage original = _decoder.Decode(file);
            RgbImage resized = _detector.ResizeForGraph(original);
            return new DecodedImage(index, file, original.Width, original.Height, resized, _options.KeepOriginals ? original : null, null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new DecodedImage(index, file, 0, 0, null, null, Describe(e, file));
        }
    }

    /// <summary>Groups queued images into batches of similar size and runs the graph on each.</summary>
    private void Infer(BlockingCollection<DecodedImage> decoded, BlockingCollection<ImagePrediction> results, CancellationToken token)
    {
        var pending = new List<DecodedImage>();
        int maxPending = Math.Max(_options.QueueSize, _options.BatchSize);
        while (true)
        {
            if (decoded.TryTake(out DecodedImage? item, pending.Count > 0 ? IdleFlushMilliseconds : Timeout.Infinite, token))
            {
                if (item.Error is not null)
                {
                    results.Add(ImagePrediction.Failure(item.Index, item.File, item.Error), token);
                    continue;
                }
                pending.Add(item);
                var shape = PaddedShape(item);
                var same = pending.Where(p => PaddedShape(p) == shape).ToList();
                if (same.Count >= _options.BatchSize)
                {
                    pending.RemoveAll(same.Contains);
                    Run(same, results, token);
                }
                else if (pending.Count >= maxPending)
                {
                    Run(TakeSimilar(pending), results, token);
                }
                continue;
            }
            // The queue is empty for now (the decoders are behind) or for good: run what is waiting.
            while (pending.Count > 0)
            {
                Run(TakeSimilar(pending), results, token);
            }
            if (decoded.IsCompleted)
            {
                return;
            }
        }
    }

    private (int Height, int Width) PaddedShape(DecodedImage image) =>
        Padding.BatchSize([(image.Resized!.Height, image.Resized.Width)], _detector.Metadata.SizeDivisible);

    /// <summary>
    /// Up to one batch of pending images that includes the oldest (so the writer is not kept waiting) and whose areas
    /// are closest together (so little padding is computed); removed from <paramref name="pending"/>, in input order.
    /// </summary>
    private List<DecodedImage> TakeSimilar(List<DecodedImage> pending)
    {
        int size = Math.Min(_options.BatchSize, pending.Count);
        var byArea = pending.OrderBy(p => (long)p.Resized!.Width * p.Resized.Height).ThenBy(p => p.Index).ToList();
        int oldest = byArea.IndexOf(pending.MinBy(p => p.Index)!);
        int best = Math.Max(0, oldest - size + 1);
        long bestSpread = long.MaxValue;
        for (int start = Math.Max(0, oldest - size + 1); start <= Math.Min(oldest, byArea.Count - size); start++)
        {
            long spread = Area(byArea[start + size - 1]) - Area(byArea[start]);
            if (spread < bestSpread)
            {
                bestSpread = spread;
                best = start;
            }
        }
        var batch = byArea.GetRange(best, size).OrderBy(p => p.Index).ToList();
        pending.RemoveAll(batch.Contains);
        return batch;
    }

    private static long Area(DecodedImage image) => (long)image.Resized!.Width * image.Resized.Height;

    private void Run(List<DecodedImage> batch, BlockingCollection<ImagePrediction> results, CancellationToken token)
    {
        Detection[][] found;
        try
        {
            found = _detector.PredictResized(
                batch.Select(b => b.Resized!).ToArray(), batch.Select(b => (b.Width, b.Height)).ToArray(), _overrides);
        }
        catch (Exception e) when (e is not OutOfMemoryException && e is not OperationCanceledException)
        {
            if (batch.Count > 1)
            {
                // Find the image that fails: the others still get their detections.
                foreach (DecodedImage single in batch) Run([single], results, token);
                return;
            }
            results.Add(ImagePrediction.Failure(batch[0].Index, batch[0].File, "inference failed: " + Describe(e, batch[0].File)), token);
            return;
        }
        for (int k = 0; k < batch.Count; k++)
        {
            DecodedImage image = batch[k];
            results.Add(new ImagePrediction(image.Index, image.File, image.Width, image.Height, Filter(found[k]), null, image.Original), token);
        }
    }

    private Detection[] Filter(Detection[] found)
    {
        IEnumerable<Detection> kept = found.Where(d => d.Score >= _options.MinProb);
        if (_options.Classes is { IsActive: true } classes) kept = kept.Where(d => classes.Keeps(d.Label));
        return kept.Take(_options.MaxDetections).ToArray();
    }

    /// <summary>The failure's message without the leading file name (the result names the file already).</summary>
    private static string Describe(Exception e, string file)
    {
        string message = e is LumiException ? e.Message : $"{e.GetType().Name}: {e.Message}";
        string prefix = file + ": ";
        return message.StartsWith(prefix, StringComparison.Ordinal) ? message[prefix.Length..] : message;
    }

    private sealed record DecodedImage(int Index, string File, int Width, int Height, RgbImage? Resized, RgbImage? Original, string? Error);
}
