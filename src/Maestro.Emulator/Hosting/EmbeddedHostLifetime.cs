using Microsoft.Extensions.Hosting;

namespace Maestro.Emulator.Hosting;

/// <summary>
/// Replaces the console lifetime: an emulator lives inside a test run or the maestro CLI, which own Ctrl+C and
/// stop it through <see cref="EmulatorServer.WaitForShutdownAsync"/> or disposal.
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
