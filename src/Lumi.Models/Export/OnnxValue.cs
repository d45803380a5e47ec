namespace Lumi.Models.Export;

/// <summary>A named value (tensor) in an ONNX graph under construction; <see cref="None"/> fills an omitted optional input.</summary>
internal readonly record struct OnnxValue(string Name)
{
    public static readonly OnnxValue None = new(string.Empty);

    public override string ToString() => Name;
}
