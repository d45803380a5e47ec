using Lumi.Data.Voc;

namespace Lumi.Data.Synthetic;

/// <summary>
/// One object drawn in a <see cref="SyntheticScene"/>: its class, the tight box around its visible pixels
/// (0-based continuous), how many pixels the whole shape covers and how many of them are visible, and
/// the colour it was painted with before shading.
/// </summary>
internal sealed record SceneObject(int ClassIndex, VocBox Box, int ShapePixels, int VisiblePixels, bool Difficult, bool Truncated, (byte R, byte G, byte B) Colour)
{
    public double VisibleFraction => (double)VisiblePixels / ShapePixels;
}
