namespace Lumi.Models.Training;

/// <summary>Each loss term averaged over the last <c>window</c> values (torchvision's SmoothedValue), for the progress bar.</summary>
internal sealed class SmoothedLosses(int window = 20)
{
    private readonly Dictionary<string, Queue<double>> _values = new(StringComparer.Ordinal);

    public void Add(string term, double value)
    {
        if (!_values.TryGetValue(term, out Queue<double>? queue))
        {
            _values[term] = queue = new Queue<double>(window);
        }
        if (queue.Count == window)
        {
            queue.Dequeue();
        }
        queue.Enqueue(value);
    }

    public IReadOnlyDictionary<string, double> Current => _values.ToDictionary(p => p.Key, p => p.Value.Average(), StringComparer.Ordinal);
}
