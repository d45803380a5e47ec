using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Lumi.Data.Augmentation;

/// <summary>
/// Validates a list of numbers in configuration: each in [<see cref="Minimum"/>, <see cref="Maximum"/>],
/// and, for a <see cref="Pair"/>, exactly two values <c>[low, high]</c> with <c>low ≤ high</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NumbersAttribute(double minimum, double maximum) : ValidationAttribute
{
    public double Minimum { get; } = minimum;
    public double Maximum { get; } = maximum;

    /// <summary>The list is a range <c>[low, high]</c>.</summary>
    public bool Pair { get; init; }

    public override bool IsValid(object? value)
    {
        double[]? numbers = value switch
        {
            null => null,
            double[] d => d,
            int[] i => i.Select(x => (double)x).ToArray(),
            _ => [],
        };
        if (numbers is null)
        {
            return true;
        }
        if (value is not (double[] or int[]) || (Pair && (numbers.Length != 2 || numbers[0] > numbers[1])))
        {
            return false;
        }
        return numbers.All(n => n >= Minimum && n <= Maximum);
    }

    public override string FormatErrorMessage(string name) => Pair
        ? $"expected [low, high] with {Format(Minimum)} <= low <= high <= {Format(Maximum)}"
        : $"every value must be in [{Format(Minimum)}, {Format(Maximum)}]";

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
