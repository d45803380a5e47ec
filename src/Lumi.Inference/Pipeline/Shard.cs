using System.Globalization;
using Lumi.Data.Errors;

namespace Lumi.Inference.Pipeline;

/// <summary>
/// <c>--shard i/n</c>: every n-th image of the expanded input list starting at image i (0-based, <c>0 ≤ i &lt; n</c>),
/// so that n machines given shards 0/n … (n−1)/n together cover every image exactly once — a Slurm array task id or a
/// Kubernetes indexed Job's completion index is <c>i</c>.
/// </summary>
public readonly record struct Shard(int Index, int Count)
{
    /// <summary>The whole list.</summary>
    public static Shard All { get; } = new(0, 1);

    /// <summary>Parses <c>i/n</c>; a <see cref="UsageException"/> saying the rule otherwise.</summary>
    public static Shard Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            && count >= 1 && index < count)
        {
            return new Shard(index, count);
        }
        throw new UsageException($"--shard: '{text}' is not i/n with 0 <= i < n (shard i of n, 0-based: 0/4, 1/4, 2/4, 3/4)");
    }

    /// <summary>Items <c>Index, Index + Count, Index + 2·Count, …</c> of <paramref name="items"/>, in order.</summary>
    public IReadOnlyList<T> Select<T>(IReadOnlyList<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (Count == 1)
        {
            return items;
        }
        var selected = new List<T>(items.Count / Count + 1);
        for (int i = Index; i < items.Count; i += Count)
        {
            selected.Add(items[i]);
        }
        return selected;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
