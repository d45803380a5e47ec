namespace Lumi.Data.Synthetic;

/// <summary>The shapes <see cref="SyntheticVoc"/> draws; a class named like one of them gets that shape.</summary>
public enum SyntheticShape
{
    Circle,
    Square,
    Triangle,
    Diamond,
    Hexagon,
    Star,
    Cross,
    Ring,
}
