using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.Quota;

/// <summary>
/// Keeps the in-memory quota state and the store in step: loads every stored state at start (what was learned before a
/// restart), then every <see cref="QuotaSyncOptions.Interval"/> writes the auths whose state changed — one batch, however
/// many responses reported meanwhile — and reads what other instances wrote. Writes what is left when stopping, and when
/// disposed without a host (a CLI command that called providers).
/// </summary>
public sealed class AuthQuotaSync(
    ObservedAuthLimits limits, IAuthQuotaStore store, QuotaSyncOptions options, TimeProvider time, ILogger<AuthQuotaSync> logger)
    : BackgroundService, IAsyncDisposable
{
    private DateTimeOffset? _readAt;

    /// <summary>Writes what changed and reads what others wrote, now (tests; shutdown).</summary>
    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        await WriteAsync(cancellationToken);
        // A little overlap: a transaction that committed late with an earlier clock reading is still seen. Merging is
        // idempotent (the newer state wins), so two syncs at once (the loop and a test) do no harm either.
        var (states, readAt) = await store.ChangedSinceAsync(_readAt - TimeSpan.FromSeconds(5), cancellationToken);
        foreach (var (id, state) in states)
        {
            limits.Merge(id, state);
        }

        _readAt = readAt;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SyncAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The database is away for a moment: the state stays in memory and is written next time.
                logger.LogWarning(ex, "Syncing auth quota state with the database failed; trying again in {Interval}.", options.Interval);
            }

            try
            {
                await Task.Delay(options.Interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushQuietlyAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await FlushQuietlyAsync();
        Dispose();
    }

    private async Task FlushQuietlyAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await WriteAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "The last auth quota state was not written.");
        }
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        var changed = limits.TakeChanged();
        if (changed.Count == 0)
        {
            return;
        }

        try
        {
            await store.SaveAsync(changed, cancellationToken);
        }
        catch
        {
            limits.Unwritten(changed);
            throw;
        }
    }
}
