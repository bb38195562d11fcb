namespace Maestro.Core.Usage;

/// <summary>
/// Token use per session and per auth (per message it is stored with the message), with costs from the price table. The
/// ledger is written behind the calls: a report first writes what this process still holds (<see cref="UsageWriteBehind"/>);
/// another process's calls show once its writer has caught up (at once, unless its database writes queue up).
/// </summary>
public sealed class UsageService(IUsageStore store, PriceTable prices, Settings.PriceSettings? saved = null, UsageWriteBehind? pending = null)
{
    public async Task<UsageReport> ForSessionAsync(Guid sessionId, string label, CancellationToken cancellationToken)
    {
        await PrepareAsync(cancellationToken);
        return new(label, Priced(await store.BySessionAsync(sessionId, cancellationToken)));
    }

    public async Task<UsageReport> ForAuthAsync(Guid authId, string label, CancellationToken cancellationToken)
    {
        await PrepareAsync(cancellationToken);
        return new(label, Priced(await store.ByAuthAsync(authId, cancellationToken)));
    }

    // The prices saved in the settings, re-read now and then (another process may have changed them); and this process's
    // calls that ended before the report, written (a refused write leaves them queued, and the report without them).
    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (saved is not null)
        {
            await saved.EnsureFreshAsync(cancellationToken);
        }

        if (pending is not null)
        {
            await pending.FlushAsync(cancellationToken);
        }
    }

    private List<ModelUsage> Priced(IReadOnlyList<ModelUsage> usage) =>
        [.. usage.Select(u => u with { Cost = prices.Cost(u.Provider, u.Model, u.ToCounts()) })];
}
