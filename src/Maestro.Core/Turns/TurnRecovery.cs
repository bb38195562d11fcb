using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.Turns;

/// <summary>
/// After a crash, turns left "running" are marked interrupted (their partial answers kept): at start, before the server
/// answers its first request, for dead processes on this host (gone, zombie, or a reused pid), and then periodically for
/// those, for turns this process could not end, and for any owner on another host whose heartbeat went stale
/// (<see cref="TurnEngine.IsAbandoned"/>).
/// </summary>
public sealed class TurnRecovery(ITurnStore turns, TurnEngine engine, TurnEngineOptions options, ILogger<TurnRecovery> logger) : BackgroundService
{
    public async Task<int> RecoverDeadOwnersAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var turn in await turns.RunningAsync(cancellationToken))
        {
            if (!TurnOwners.JudgedByHeartbeat(turn.Owner) && engine.IsAbandoned(turn) &&
                await turns.InterruptAsync(turn.Id, "The process running this turn stopped before it finished.", cancellationToken))
            {
                count++;
            }
        }

        // This host's owners were judged above (by their process, or by this engine for its own turns); other hosts' in
        // one statement.
        return count + await turns.InterruptStaleAsync(options.StaleAfter, TurnOwners.HostJudgedByProcess, cancellationToken);
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The first pass is part of starting: a turn whose process was killed is over before anyone looks at it.
        await RecoverOnceAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(options.StaleAfter, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!stoppingToken.IsCancellationRequested)
            {
                await RecoverOnceAsync(stoppingToken);
            }
        }
    }

    private async Task RecoverOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var recovered = await RecoverDeadOwnersAsync(cancellationToken);
            if (recovered > 0)
            {
                logger.LogWarning("Marked {Count} turn(s) interrupted: the process running them stopped.", recovered);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Checking for interrupted turns failed: {Message}", ex.Message);
        }
    }
}
