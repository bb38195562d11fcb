using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.Turns;

/// <summary>
/// After a crash, turns left "running" are marked interrupted (their partial answers kept): at start for dead
/// processes on this host, and periodically for any owner whose heartbeat went stale.
/// </summary>
public sealed class TurnRecovery(ITurnStore turns, TurnEngineOptions options, ILogger<TurnRecovery> logger) : BackgroundService
{
    public async Task<int> RecoverDeadOwnersAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var turn in await turns.RunningAsync(cancellationToken))
        {
            if (TurnOwners.IsDeadOnThisHost(turn.Owner) &&
                await turns.InterruptAsync(turn.Id, "The process running this turn stopped before it finished.", cancellationToken))
            {
                count++;
            }
        }

        return count + await turns.InterruptStaleAsync(options.StaleAfter, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var recovered = await RecoverDeadOwnersAsync(stoppingToken);
                if (recovered > 0)
                {
                    logger.LogWarning("Marked {Count} turn(s) interrupted: the process running them stopped.", recovered);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Checking for interrupted turns failed: {Message}", ex.Message);
            }

            await Task.Delay(options.StaleAfter, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
