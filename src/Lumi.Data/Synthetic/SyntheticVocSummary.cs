namespace Lumi.Data.Synthetic;

/// <summary>What <see cref="SyntheticVoc.Write"/> wrote.</summary>
public sealed record SyntheticVocSummary
{
    /// <summary>The dataset's root (the VOCdevkit-style folder).</summary>
    public required string Root { get; init; }

    /// <summary>Each class's look, in class order.</summary>
    public required IReadOnlyList<SyntheticClass> Classes { get; init; }

    public int Images { get; init; }
    public int Objects { get; init; }
    public int DifficultObjects { get; init; }
    public int TruncatedObjects { get; init; }

    /// <summary>Objects per class name, in class order.</summary>
    public required IReadOnlyList<KeyValuePair<string, int>> ObjectsPerClass { get; init; }

    /// <summary>Images per split: train, val, test, trainval.</summary>
    public required IReadOnlyList<KeyValuePair<string, int>> ImagesPerSplit { get; init; }

    /// <summary>A few lines for people: where, how many, how each class looks.</summary>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine($"{Root}: {Images} images, {Objects} objects ({DifficultObjects} difficult, {TruncatedObjects} truncated)");
        text.AppendLine($"splits: {string.Join(", ", ImagesPerSplit.Select(p => $"{p.Key} {p.Value}"))}");
        text.Append($"classes: {string.Join(", ", Classes.Select((c, i) => $"{c.Name} ({c.Describe()}, {ObjectsPerClass[i].Value})"))}");
        return text.ToString();
    }
}
