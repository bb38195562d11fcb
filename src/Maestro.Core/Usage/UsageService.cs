namespace Maestro.Core.Usage;

/// <summary>Token use per session and per auth (per message it is stored with the message), with costs from the price table.</summary>
public sealed class UsageService(IUsageStore store, PriceTable prices, Settings.PriceSettings? saved = null)
{
    public async Task<UsageReport> ForSessionAsync(Guid sessionId, string label, CancellationToken cancellationToken)
    {
        await FreshPricesAsync(cancellationToken);
        return new(label, Priced(await store.BySessionAsync(sessionId, cancellationToken)));
    }

    public async Task<UsageReport> ForAuthAsync(Guid authId, string label, CancellationToken cancellationToken)
    {
        await FreshPricesAsync(cancellationToken);
        return new(label, Priced(await store.ByAuthAsync(authId, cancellationToken)));
    }

    // The prices saved in the settings, re-read now and then (another process may have changed them).
    private Task FreshPricesAsync(CancellationToken cancellationToken) => saved?.EnsureFreshAsync(cancellationToken) ?? Task.CompletedTask;

    private List<ModelUsage> Priced(IReadOnlyList<ModelUsage> usage) =>
        [.. usage.Select(u => u with { Cost = prices.Cost(u.Provider, u.Model, u.ToCounts()) })];
}
