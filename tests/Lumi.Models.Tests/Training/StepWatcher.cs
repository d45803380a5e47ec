using System.Text;
using System.Text.RegularExpressions;

namespace Lumi.Models.Tests.Training;

/// <summary>A log writer that calls back on every progress line with its step number (set ProgressSeconds = 0, Quiet = false).</summary>
internal sealed partial class StepWatcher(Action<int> onStep) : StringWriter
{
    private readonly StringBuilder _line = new();

    public override void Write(char value)
    {
        base.Write(value);
        if (value != '\n')
        {
            _line.Append(value);
            return;
        }
        Match m = StepPattern().Match(_line.ToString());
        _line.Clear();
        if (m.Success) onStep(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    public override void WriteLine(string? value)
    {
        Write(value);
        Write('\n');
    }

    public override void Write(string? value)
    {
        foreach (char c in value ?? "") Write(c);
    }

    [GeneratedRegex(@"\] step (\d+)/")]
    private static partial Regex StepPattern();
}
