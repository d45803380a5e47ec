using static TorchSharp.torch;

namespace Lumi.Models.Checkpoints;

/// <summary>PyTorch's typed storage classes (<c>torch.FloatStorage</c>, …) and what they hold.</summary>
internal static class TorchStorageTypes
{
    private static readonly Dictionary<string, (ScalarType Type, int Size)> ByName = new(StringComparer.Ordinal)
    {
        ["DoubleStorage"] = (ScalarType.Float64, 8),
        ["FloatStorage"] = (ScalarType.Float32, 4),
        ["HalfStorage"] = (ScalarType.Float16, 2),
        ["BFloat16Storage"] = (ScalarType.BFloat16, 2),
        ["LongStorage"] = (ScalarType.Int64, 8),
        ["IntStorage"] = (ScalarType.Int32, 4),
        ["ShortStorage"] = (ScalarType.Int16, 2),
        ["CharStorage"] = (ScalarType.Int8, 1),
        ["ByteStorage"] = (ScalarType.Byte, 1),
        ["BoolStorage"] = (ScalarType.Bool, 1),
        ["ComplexFloatStorage"] = (ScalarType.ComplexFloat32, 8),
        ["ComplexDoubleStorage"] = (ScalarType.ComplexFloat64, 16),
    };

    public static IEnumerable<string> Names => ByName.Keys;

    public static bool IsStorage(string module, string name) => module == "torch" && ByName.ContainsKey(name);

    public static (ScalarType Type, int Size) Get(string name) => ByName[name];
}
