using System.Collections.Concurrent;
using Lumi.Data.Augmentation;
using Lumi.Data.Errors;
using Lumi.Data.Imaging;

namespace Lumi.Data.Training;

/// <summary>
/// Feeds training: worker threads decode and augment the images of upcoming batches while the trainer works, at most
/// <see cref="TrainingLoaderOptions.Prefetch"/> batches ahead; batches come out in plan order whatever the threads'
/// timing. Each image's augmentation draws from its own <see cref="Random"/> seeded by (seed, epoch, image), so an epoch
/// is the same on every run and after a resume. An image that cannot be decoded is skipped with one warning naming it
/// (training goes on) and counted in <see cref="SkippedImages"/>.
/// </summary>
public sealed class TrainingLoader
{
    private readonly IReadOnlyList<TrainingImage> _images;
    private readonly AugmentationPipeline _augmentation;
    private readonly TrainingLoaderOptions _options;
    private readonly Action<string> _warn;
    private readonly ImageDecoder _oriented;
    private readonly ImageDecoder _stored;
    private readonly ConcurrentDictionary<string, string> _bad = new(StringComparer.Ordinal);

    public TrainingLoader(IReadOnlyList<TrainingImage> images, AugmentationPipeline augmentation, TrainingLoaderOptions options, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(augmentation);
        ArgumentNullException.ThrowIfNull(options);
        if (images.Count == 0)
        {
            throw new InputDataException("the training split has no images to train on");
        }
        _images = images;
        _augmentation = augmentation;
        _options = options;
        _warn = warn ?? (_ => { });
        _oriented = new ImageDecoder(options.MaxPixels, applyOrientation: true);
        _stored = new ImageDecoder(options.MaxPixels, applyOrientation: false);
        AspectRatios = images.Select(i => i.AspectRatio).ToArray();
    }

    public IReadOnlyList<double> AspectRatios { get; }

    /// <summary>Images skipped so far because they could not be decoded (each warned about once).</summary>
    public int SkippedImages => _bad.Count;

    public int Workers => _options.Workers > 0 ? _options.Workers : Environment.ProcessorCount;

    /// <summary>The batches of <paramref name="epoch"/> (see <see cref="BatchPlan"/>).</summary>
    public int[][] Plan(int epoch) =>
        BatchPlan.ForEpoch(AspectRatios, _options.BatchSize, _options.AspectRatioGroupFactor, _options.Seed, epoch);

    /// <summary>Prepares one batch on the calling thread: decode, augment (last step: resize), pack.</summary>
    public TrainingBatch Prepare(int epoch, int index, IReadOnlyList<int> imageIndices)
    {
        ArgumentNullException.ThrowIfNull(imageIndices);
        var ids = new List<string>(imageIndices.Count);
        var pixels = new List<RgbImage>(imageIndices.Count);
        var boxes = new List<float[]>(imageIndices.Count);
        var labels = new List<int[]>(imageIndices.Count);
        foreach (int i in imageIndices)
        {
            TrainingImage image = _images[i];
            RgbImage? decoded = Decode(image);
            if (decoded is null)
            {
                continue;
            }
            var random = new Random(BatchPlan.SampleSeed(_options.Seed, epoch, i));
            TrainSample sample = _augmentation.Apply(new TrainSample(image.Id, decoded, image.Boxes, image.Labels), random);
            ids.Add(sample.Id);
            pixels.Add(sample.Image);
            boxes.Add(sample.Boxes);
            labels.Add(sample.Labels);
        }
        PaddedBatch? packed = pixels.Count == 0 ? null : Padding.Pack(pixels, _options.SizeDivisible);
        return new TrainingBatch(epoch, index, ids, packed, boxes, labels);
    }

    /// <summary>
    /// The batches of <paramref name="plan"/> from <paramref name="start"/> on, prepared by <see cref="Workers"/> threads
    /// at most <see cref="TrainingLoaderOptions.Prefetch"/> ahead. Stopping the enumeration stops the threads.
    /// </summary>
    public IEnumerable<TrainingBatch> Read(int epoch, int[][] plan, int start = 0, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var queue = new PrefetchQueue(this, epoch, plan, start, Math.Max(1, _options.Prefetch), Workers, cancellation);
        try
        {
            for (int k = start; k < plan.Length; k++)
            {
                yield return queue.Take(k);
            }
        }
        finally
        {
            queue.Stop();
        }
    }

    private RgbImage? Decode(TrainingImage image)
    {
        string path = image.Source.ImagePath;
        if (_bad.ContainsKey(path))
        {
            return null;
        }
        try
        {
            ImageHeader header = _stored.Identify(path);
            ImageDecoder decoder = image.Source.AppliesOrientation(header) ? _oriented : _stored;
            return decoder.Decode(path);
        }
        catch (InputDataException e)
        {
            if (_bad.TryAdd(path, e.Message))
            {
                _warn($"warning: skipping image '{image.Id}' ({e.Message}); training goes on without it");
            }
            return null;
        }
    }

    /// <summary>Worker threads claiming batches in order, bounded by the prefetch depth; results handed over in order.</summary>
    private sealed class PrefetchQueue
    {
        private readonly TrainingLoader _loader;
        private readonly int _epoch;
        private readonly int[][] _plan;
        private readonly int _depth;
        private readonly CancellationToken _cancellation;
        private readonly Dictionary<int, TrainingBatch> _ready = new();
        private readonly Thread[] _threads;
        private readonly object _gate = new();
        private int _next;
        private int _consumed;
        private bool _stopped;
        private Exception? _failure;

        public PrefetchQueue(TrainingLoader loader, int epoch, int[][] plan, int start, int depth, int workers, CancellationToken cancellation)
        {
            _loader = loader;
            _epoch = epoch;
            _plan = plan;
            _depth = depth;
            _cancellation = cancellation;
            _next = start;
            _consumed = start;
            _threads = new Thread[Math.Min(workers, Math.Max(1, plan.Length - start))];
            for (int t = 0; t < _threads.Length; t++)
            {
                _threads[t] = new Thread(Work) { IsBackground = true, Name = $"lumi-loader-{t}" };
                _threads[t].Start();
            }
        }

        public TrainingBatch Take(int index)
        {
            lock (_gate)
            {
                while (!_ready.ContainsKey(index))
                {
                    if (_failure is not null)
                    {
                        throw _failure is LumiException ? _failure : new InvalidOperationException($"data loading failed: {_failure.Message}", _failure);
                    }
                    Monitor.Wait(_gate, 200);
                    _cancellation.ThrowIfCancellationRequested();
                }
                TrainingBatch batch = _ready[index];
                _ready.Remove(index);
                _consumed = index + 1;
                Monitor.PulseAll(_gate);
                return batch;
            }
        }

        public void Stop()
        {
            lock (_gate)
            {
                _stopped = true;
                Monitor.PulseAll(_gate);
            }
            foreach (Thread thread in _threads)
            {
                thread.Join();
            }
        }

        private void Work()
        {
            while (true)
            {
                int k;
                lock (_gate)
                {
                    while (!_stopped && _next < _plan.Length && _next - _consumed >= _depth)
                    {
                        Monitor.Wait(_gate);
                    }
                    if (_stopped || _next >= _plan.Length || _failure is not null)
                    {
                        return;
                    }
                    k = _next++;
                }
                try
                {
                    TrainingBatch batch = _loader.Prepare(_epoch, k, _plan[k]);
                    lock (_gate)
                    {
                        _ready[k] = batch;
                        Monitor.PulseAll(_gate);
                    }
                }
                catch (Exception e)
                {
                    lock (_gate)
                    {
                        _failure ??= e;
                        Monitor.PulseAll(_gate);
                    }
                    return;
                }
            }
        }
    }
}
