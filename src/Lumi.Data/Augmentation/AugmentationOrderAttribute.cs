using System.ComponentModel.DataAnnotations;

namespace Lumi.Data.Augmentation;

/// <summary>Validates <c>data.augmentation.order</c>: step names from <see cref="Steps"/>, each at most once.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AugmentationOrderAttribute : ValidationAttribute
{
    /// <summary>The steps that can be ordered, in their default order (the resize is always last and not listed).</summary>
    public static IReadOnlyList<string> Steps { get; } = ["photometric", "zoom_out", "random_crop", "horizontal_flip", "vertical_flip"];

    public override bool IsValid(object? value) =>
        value is not string[] names || (names.All(Steps.Contains) && names.Distinct(StringComparer.Ordinal).Count() == names.Length);

    public override string FormatErrorMessage(string name) => $"each step at most once, from: {string.Join(", ", Steps)}";
}
