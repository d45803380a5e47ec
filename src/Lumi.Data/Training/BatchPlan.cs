namespace Lumi.Data.Training;

/// <summary>
/// The order of one epoch: a seeded shuffle of the training images, grouped into batches of similar aspect ratio
/// (torchvision's <c>GroupedBatchSampler</c> with <c>create_aspect_ratio_groups</c>). It depends only on
/// (seed, epoch), so a resumed run sees the same batches; <see cref="SampleSeed"/> gives each image of the epoch its
/// own augmentation seed, so results do not depend on which worker thread prepares it.
/// </summary>
public static class BatchPlan
{
    /// <summary>Batches (lists of image indices) for <paramref name="epoch"/>, every image exactly once; the last batch may be short.</summary>
    public static int[][] ForEpoch(IReadOnlyList<double> aspectRatios, int batchSize, int groupFactor, int seed, int epoch)
    {
        ArgumentNullException.ThrowIfNull(aspectRatios);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(groupFactor);
        int[] order = Enumerable.Range(0, aspectRatios.Count).ToArray();
        new Random(Mix(seed, epoch, -1)).Shuffle(order);
        var batches = new List<int[]>(order.Length / batchSize + 1);
        if (groupFactor == 0)
        {
            foreach (int[] chunk in order.Chunk(batchSize))
            {
                batches.Add(chunk);
            }
            return [.. batches];
        }
        double[] bins = Bins(groupFactor);
        var buckets = new Dictionary<int, List<int>>();
        var used = new bool[order.Length];
        foreach (int index in order)
        {
            int group = Group(bins, aspectRatios[index]);
            if (!buckets.TryGetValue(group, out List<int>? bucket))
            {
                buckets[group] = bucket = new List<int>(batchSize);
            }
            bucket.Add(index);
            if (bucket.Count == batchSize)
            {
                batches.Add([.. bucket]);
                foreach (int i in bucket)
                {
                    used[i] = true;
                }
                bucket.Clear();
            }
        }
        // What is left in partly filled buckets, in shuffled order.
        foreach (int[] chunk in order.Where(i => !used[i]).Chunk(batchSize))
        {
            batches.Add(chunk);
        }
        return [.. batches];
    }

    /// <summary>The augmentation seed of the image at <paramref name="position"/> in the epoch's order.</summary>
    public static int SampleSeed(int seed, int epoch, int position) => Mix(seed, epoch, position);

    /// <summary>torchvision's bins: <c>2 ** linspace(-1, 1, 2k + 1)</c> over width / height.</summary>
    private static double[] Bins(int k)
    {
        var bins = new double[2 * k + 1];
        for (int i = 0; i < bins.Length; i++)
        {
            bins[i] = Math.Pow(2, -1 + 2.0 * i / (2 * k));
        }
        return bins;
    }

    private static int Group(double[] bins, double ratio)
    {
        int group = 0;
        while (group < bins.Length && bins[group] <= ratio)
        {
            group++;
        }
        return group;
    }

    /// <summary>A stable 32-bit mix (SplitMix64 finaliser) of the three numbers.</summary>
    private static int Mix(int a, int b, int c)
    {
        ulong x = ((ulong)(uint)a << 32) ^ ((ulong)(uint)b * 0x9E3779B97F4A7C15UL) ^ (uint)c;
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return (int)(x & 0x7FFFFFFF);
    }
}
