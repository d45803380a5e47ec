using Lumi.Data.Devices;

namespace Lumi.Cli.Quickstart;

/// <summary>
/// What <c>lumi quickstart</c> runs. The defaults are the README's ten-minute run on two CPU cores; the tests run
/// the same steps with fewer images and steps.
/// </summary>
public sealed record QuickstartOptions
{
    /// <summary>The folder that receives the dataset, configs, run, model, metrics and predictions.</summary>
    public string Output { get; init; } = "lumi-quickstart";

    /// <summary>Images in the synthetic dataset (70 % train, 15 % val, 15 % test).</summary>
    public int Images { get; init; } = 300;

    /// <summary>Optimizer steps of training.</summary>
    public int Steps { get; init; } = 120;

    public int Seed { get; init; }

    public DeviceSpec Device { get; init; } = DeviceSpec.Auto;

    /// <summary>Replace an earlier quickstart's folder (only one that holds quickstart's marker file).</summary>
    public bool Force { get; init; }
}
