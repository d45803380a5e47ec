namespace Lumi.Data.Voc;

/// <summary>
/// What reading a VOC split kept, changed and dropped — every drop or skip is counted here, to be
/// reported once when training or evaluation starts (<see cref="ToString"/>).
/// </summary>
public sealed record VocReadSummary
{
    /// <summary>Ids listed in the split files of all roots.</summary>
    public int ImagesListed { get; init; }

    /// <summary>Images kept (negatives included when kept).</summary>
    public int Images { get; init; }

    /// <summary>Images with no objects left; kept as negatives or dropped, as the options say.</summary>
    public int Negatives { get; init; }
    public int NegativesDropped { get; init; }

    /// <summary>Objects kept, and how many of those are marked difficult.</summary>
    public int Objects { get; init; }
    public int DifficultObjects { get; init; }

    /// <summary>Boxes cut to the image's bounds (kept).</summary>
    public int BoxesClipped { get; init; }

    /// <summary>Boxes with no area (after clipping) dropped.</summary>
    public int EmptyBoxesDropped { get; init; }

    /// <summary>Objects skipped because their class is not in the class list, per class name.</summary>
    public IReadOnlyDictionary<string, int> UnknownClassesSkipped { get; init; } = new SortedDictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Annotations without a usable <c>&lt;size&gt;</c> whose size was read from the image header.</summary>
    public int SizesFromImage { get; init; }

    public int UnknownObjectsSkipped => UnknownClassesSkipped.Values.Sum();

    /// <summary>One line: what was read and every adjustment made, e.g. for the start of a training run.</summary>
    public override string ToString()
    {
        var parts = new List<string> { $"{Images} images ({Negatives} without objects)", $"{Objects} objects ({DifficultObjects} difficult)" };
        if (NegativesDropped > 0)
        {
            parts.Add($"{NegativesDropped} images without objects left out");
        }
        if (BoxesClipped > 0)
        {
            parts.Add($"{BoxesClipped} boxes clipped to their image");
        }
        if (EmptyBoxesDropped > 0)
        {
            parts.Add($"{EmptyBoxesDropped} empty boxes dropped");
        }
        if (UnknownObjectsSkipped > 0)
        {
            parts.Add($"{UnknownObjectsSkipped} objects of unknown classes skipped ({string.Join(", ", UnknownClassesSkipped.Select(p => $"{p.Key}: {p.Value}"))})");
        }
        if (SizesFromImage > 0)
        {
            parts.Add($"{SizesFromImage} sizes read from the image");
        }
        return string.Join("; ", parts);
    }
}
