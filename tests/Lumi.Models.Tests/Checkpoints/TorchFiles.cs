using System.Text.Json;
using Lumi.Models.Checkpoints;
using static TorchSharp.torch;

namespace Lumi.Models.Tests.Checkpoints;

/// <summary>The outputs of tests/reference/torch_files.py and helpers to compare tensors exactly.</summary>
internal static class TorchFiles
{
    public static string Dir => PythonFixture.Outputs("torch_files.py", "st.py");

    public static string File(string name) => Path.Combine(Dir, name);

    public static JsonElement Info(string @case) =>
        JsonDocument.Parse(System.IO.File.ReadAllText(File(@case + ".json"))).RootElement;

    /// <summary>Same names in the same order, same dtypes, shapes and bytes.</summary>
    public static void AssertIdentical(IReadOnlyList<string> expectedOrder, IReadOnlyDictionary<string, Tensor> expected,
        OrderedDictionary<string, Tensor> actual)
    {
        Assert.Equal(expectedOrder, actual.Keys.ToList());
        foreach (var (name, e) in expected)
        {
            var a = actual[name];
            Assert.True(e.dtype == a.dtype, $"{name}: dtype {a.dtype}, expected {e.dtype}");
            Assert.True(e.shape.SequenceEqual(a.shape), $"{name}: shape [{string.Join(",", a.shape)}], expected [{string.Join(",", e.shape)}]");
            Assert.True(a.is_contiguous(), $"{name} is not contiguous");
            if (e.numel() > 0)
                Assert.True(e.bytes.SequenceEqual(a.bytes), $"{name}: values differ");
        }
    }
}
