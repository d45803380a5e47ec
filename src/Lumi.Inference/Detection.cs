namespace Lumi.Inference;

/// <summary>
/// One detected object in the original image's pixels (0-based, continuous, shared/DESIGN.md §5):
/// box <c>X1, Y1, X2, Y2</c>, <see cref="Label"/> the 1-based class index of the graph
/// (<see cref="ClassName"/> is <c>classes[Label − 1]</c>), <see cref="Score"/> the class probability.
/// </summary>
public readonly record struct Detection(float X1, float Y1, float X2, float Y2, int Label, string ClassName, float Score)
{
    public float Width => X2 - X1;
    public float Height => Y2 - Y1;
}
