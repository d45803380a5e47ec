using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Models.Rpn;

/// <summary>
/// Anchors for every feature-map location: one size per pyramid level and several aspect ratios,
/// centred on the location's top-left pixel times the level's stride — torchvision's <c>AnchorGenerator</c>.
/// </summary>
public sealed partial class AnchorGenerator
{
    private readonly double[][] sizes;
    private readonly double[] aspectRatios;

    /// <param name="sizes">Anchor sizes for each level (torchvision: ((32,), (64,), (128,), (256,), (512,))).</param>
    /// <param name="aspectRatios">Height/width ratios used at every level.</param>
    public AnchorGenerator(double[][] sizes, double[] aspectRatios)
    {
        this.sizes = sizes;
        this.aspectRatios = aspectRatios;
    }

    public int NumAnchorsPerLocation => sizes[0].Length * aspectRatios.Length;

    public int NumLevels => sizes.Length;

    /// <summary>Zero-centred anchors [A, 4] of one level (torchvision's generate_anchors, rounded).</summary>
    public Tensor CellAnchors(int level, ScalarType dtype, Device device)
    {
        using var scope = NewDisposeScope();
        var scales = tensor(sizes[level], dtype, device);
        var ratios = tensor(aspectRatios, dtype, device);
        var hRatios = ratios.sqrt();
        var wRatios = 1 / hRatios;
        var ws = (wRatios.unsqueeze(1) * scales.unsqueeze(0)).view(-1);
        var hs = (hRatios.unsqueeze(1) * scales.unsqueeze(0)).view(-1);
        var baseAnchors = stack(new[] { -ws, -hs, ws, hs }, 1) / 2;
        return baseAnchors.round().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Anchors [sum over levels of H·W·A, 4] for a padded batch of size <paramref name="imageHeight"/>×<paramref name="imageWidth"/>
    /// (the same for every image), level by level, location-major, A anchors per location.
    /// </summary>
    public Tensor Generate(IReadOnlyList<(long Height, long Width)> gridSizes, long imageHeight, long imageWidth, ScalarType dtype, Device device)
    {
        if (gridSizes.Count != sizes.Length)
            throw new ArgumentException($"{gridSizes.Count} feature maps given, but anchors are configured for {sizes.Length} levels; anchor_sizes needs one entry per level.");
        using var scope = NewDisposeScope();
        var perLevel = new List<Tensor>();
        for (int level = 0; level < gridSizes.Count; level++)
        {
            var (gh, gw) = gridSizes[level];
            long strideH = imageHeight / gh, strideW = imageWidth / gw;
            var shiftsX = arange(0, gw, ScalarType.Int64, device) * strideW;
            var shiftsY = arange(0, gh, ScalarType.Int64, device) * strideH;
            var grid = meshgrid(new[] { shiftsY, shiftsX }, indexing: "ij");
            var sy = grid[0].reshape(-1);
            var sx = grid[1].reshape(-1);
            var shifts = stack(new[] { sx, sy, sx, sy }, 1).to(dtype);
            var cell = CellAnchors(level, dtype, device);
            perLevel.Add((shifts.view(-1, 1, 4) + cell.view(1, -1, 4)).reshape(-1, 4));
        }
        return cat(perLevel, 0).MoveToOuterDisposeScope();
    }
}
