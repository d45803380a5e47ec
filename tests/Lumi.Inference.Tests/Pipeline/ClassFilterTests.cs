using Lumi.Data.Errors;
using Lumi.Inference.Pipeline;

namespace Lumi.Inference.Tests.Pipeline;

public sealed class ClassFilterTests
{
    private static readonly string[] Classes = ["person", "N/A", "car", "N/A", "dog"];

    [Fact]
    public void OnlyAndIgnoreSelectLabels()
    {
        var filter = ClassFilter.Create(Classes, ["car", "dog"], ["dog"]);
        Assert.True(filter.IsActive);
        Assert.Equal([false, false, true, false, false], Enumerable.Range(1, 5).Select(filter.Keeps));
        Assert.False(filter.Keeps(0));
        Assert.False(filter.Keeps(6));
        var none = ClassFilter.Create(Classes, [], []);
        Assert.False(none.IsActive);
        Assert.True(none.Keeps(5));
    }

    [Theory]
    [InlineData("horse")]
    [InlineData("N/A")]
    public void UnknownNamesListTheModelsRealClasses(string name)
    {
        var e = Assert.Throws<UsageException>(() => ClassFilter.Create(Classes, [], [name]));
        Assert.Equal($"--ignore-class: unknown class '{name}'; the model's classes: person, car, dog", e.Message);
    }
}
