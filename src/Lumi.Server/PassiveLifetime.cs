using Microsoft.Extensions.Hosting;

namespace Lumi.Server;

/// <summary>
/// A host lifetime that listens to no signal: the server stops when its owner says so (the command line handles
/// Ctrl-C itself), and a test process hosting several servers keeps its own signal handling.
/// </summary>
internal sealed class PassiveLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
