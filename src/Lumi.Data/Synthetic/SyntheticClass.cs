namespace Lumi.Data.Synthetic;

/// <summary>How one class looks in a synthetic dataset: its shape and its colour (named, and as 8-bit RGB).</summary>
public sealed record SyntheticClass(string Name, SyntheticShape Shape, string Colour, byte R, byte G, byte B)
{
    private static readonly (string Name, byte R, byte G, byte B)[] Palette =
    [
        ("red", 215, 40, 40),
        ("green", 40, 170, 60),
        ("blue", 40, 80, 220),
        ("yellow", 235, 205, 30),
        ("magenta", 205, 45, 195),
        ("cyan", 30, 195, 205),
        ("orange", 245, 135, 20),
        ("purple", 125, 50, 200),
    ];

    /// <summary>
    /// Shapes and colours for <paramref name="names"/>: names of built-in shapes get their shape, the others
    /// the unused shapes in order; the first eight classes get eight different colours, and further classes
    /// reuse the shapes with other colours, so no two classes look alike.
    /// </summary>
    public static IReadOnlyList<SyntheticClass> Assign(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        SyntheticShape[] all = Enum.GetValues<SyntheticShape>();
        int first = Math.Min(names.Count, all.Length);
        var shapes = new SyntheticShape?[first];
        var used = new HashSet<SyntheticShape>();
        for (int i = 0; i < first; i++)
        {
            if (Enum.TryParse(names[i], ignoreCase: true, out SyntheticShape named) && Enum.IsDefined(named)
                && !int.TryParse(names[i], out _) && used.Add(named))
            {
                shapes[i] = named;
            }
        }
        var free = new Queue<SyntheticShape>(all.Where(s => !used.Contains(s)));
        for (int i = 0; i < first; i++)
        {
            shapes[i] ??= free.Dequeue();
        }
        var result = new SyntheticClass[names.Count];
        for (int i = 0; i < names.Count; i++)
        {
            int slot = i % all.Length;
            int round = i / all.Length;
            SyntheticShape shape = shapes[slot]!.Value;
            var colour = Palette[(slot + round) % Palette.Length];
            result[i] = new SyntheticClass(names[i], shape, colour.Name, colour.R, colour.G, colour.B);
        }
        return result;
    }

    /// <summary>"red circle".</summary>
    public string Describe() => $"{Colour} {Shape.ToString().ToLowerInvariant()}";
}
