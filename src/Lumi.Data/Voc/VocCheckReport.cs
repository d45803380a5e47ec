using System.Globalization;

namespace Lumi.Data.Voc;

/// <summary>What <see cref="VocCheck.Run"/> found: counts, sizes, per-class objects and every problem, in split order.</summary>
public sealed record VocCheckReport
{
    public required string Root { get; init; }

    /// <summary>Images listed per split checked.</summary>
    public required IReadOnlyList<KeyValuePair<string, int>> Splits { get; init; }

    /// <summary>Distinct images over the splits, and those of them whose annotation could be read with the image's header.</summary>
    public int Images { get; init; }
    public int ImagesRead { get; init; }
    public int ImagesWithoutObjects { get; init; }

    /// <summary>Annotated image sizes (of the images read); 0 when none was read.</summary>
    public int MinWidth { get; init; }
    public int MaxWidth { get; init; }
    public int MinHeight { get; init; }
    public int MaxHeight { get; init; }

    /// <summary>Objects kept per image (of the images read).</summary>
    public int MinObjectsPerImage { get; init; }
    public int MaxObjectsPerImage { get; init; }
    public double MeanObjectsPerImage { get; init; }

    public required IReadOnlyList<VocClassCount> Classes { get; init; }

    public required IReadOnlyList<VocProblem> Problems { get; init; }

    /// <summary>Per split, the line training prints when it reads the split (<see cref="VocReadSummary"/>); only when there is no error.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> ReaderSummaries { get; init; }

    public int Errors => Problems.Count(p => p.IsError);
    public int Warnings => Problems.Count(p => !p.IsError);

    /// <summary>The report as text, for people: sizes, counts, a per-class table, the problems and a verdict.</summary>
    public void WriteTo(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var c = CultureInfo.InvariantCulture;
        writer.WriteLine(string.Create(c, $"dataset: {Root}"));
        writer.WriteLine(string.Create(c, $"splits: {string.Join(", ", Splits.Select(s => $"{s.Key} ({s.Value} images)"))}"));
        writer.WriteLine(string.Create(c, $"images: {Images} ({ImagesRead} read, {ImagesWithoutObjects} without objects)"));
        if (ImagesRead > 0)
        {
            writer.WriteLine(MinWidth == MaxWidth && MinHeight == MaxHeight
                ? string.Create(c, $"image size: {MinWidth}x{MinHeight}")
                : string.Create(c, $"image size: width {MinWidth}..{MaxWidth}, height {MinHeight}..{MaxHeight}"));
            writer.WriteLine(string.Create(c, $"objects per image: {MinObjectsPerImage}..{MaxObjectsPerImage}, mean {MeanObjectsPerImage:0.00}"));
        }
        if (Classes.Count > 0)
        {
            string[] header = ["class", "objects", "difficult", "truncated", "images"];
            string[][] rows = Classes.Select(k => new[] { k.Name, N(k.Objects), N(k.Difficult), N(k.Truncated), N(k.Images) })
                .Append(["total", N(Classes.Sum(k => k.Objects)), N(Classes.Sum(k => k.Difficult)), N(Classes.Sum(k => k.Truncated)), N(ImagesRead - ImagesWithoutObjects)])
                .ToArray();
            int[] widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
            writer.WriteLine(Row(header, widths));
            foreach (string[] row in rows)
            {
                writer.WriteLine(Row(row, widths));
            }
        }
        foreach (KeyValuePair<string, string> summary in ReaderSummaries)
        {
            writer.WriteLine($"training reads {summary.Key}: {summary.Value}");
        }
        foreach (VocProblem problem in Problems)
        {
            writer.WriteLine(problem);
        }
        writer.WriteLine(Errors > 0
            ? string.Create(c, $"FAILED: {Errors} error(s), {Warnings} warning(s)")
            : string.Create(c, $"OK: no errors, {Warnings} warning(s)"));
    }

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The first column left-aligned, the numbers right-aligned.</summary>
    private static string Row(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((cell, i) => i == 0 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]))).TrimEnd();
}
