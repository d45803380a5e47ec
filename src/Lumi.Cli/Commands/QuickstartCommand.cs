using System.CommandLine;
using Lumi.Cli.Quickstart;
using Lumi.Data.Devices;

namespace Lumi.Cli.Commands;

/// <summary>
/// <c>lumi quickstart</c>: synthesize a dataset, train a tiny model, export, evaluate and predict — each step the real
/// command, printed as it runs — in about ten minutes on two CPU cores.
/// </summary>
public static class QuickstartCommand
{
    public static Command Create()
    {
        var defaults = new QuickstartOptions();
        var command = new Command("quickstart",
            "Run the whole pipeline on a synthetic dataset on this machine: dataset synth, train, export, eval, predict.");
        var output = new Option<string>("--output") { Description = "The folder for everything the quickstart makes.", HelpName = "DIR", DefaultValueFactory = _ => defaults.Output };
        var images = new Option<int>("--images") { Description = "Images in the synthetic dataset.", DefaultValueFactory = _ => defaults.Images };
        var steps = new Option<int>("--steps") { Description = "Training steps.", DefaultValueFactory = _ => defaults.Steps };
        var seed = new Option<int>("--seed") { Description = "Seed of the dataset, initialization and data order.", DefaultValueFactory = _ => defaults.Seed };
        var force = new Option<bool>("--force") { Description = "Replace the folder of an earlier quickstart." };
        var device = CommonOptions.Device();
        foreach (var option in new Option[] { output, images, steps, seed, force, device })
        {
            command.Options.Add(option);
        }
        command.SetAction(int (ParseResult result) =>
        {
            var options = new QuickstartOptions
            {
                Output = result.GetValue(output)!,
                Images = result.GetValue(images),
                Steps = result.GetValue(steps),
                Seed = result.GetValue(seed),
                Force = result.GetValue(force),
                Device = result.GetValue(device) ?? DeviceSpec.Auto,
            };
            var invocation = result.InvocationConfiguration;
            return new QuickstartRunner(options, invocation.Output, invocation.Error).Run();
        });
        return command;
    }
}
