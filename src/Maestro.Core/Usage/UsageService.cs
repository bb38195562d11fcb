namespace Maestro.Core.Usage;

/// <summary>Token use per session and per auth (per message it is stored with the message), with costs when priced.</summary>
public sealed class UsageService(IUsageStore store, PriceTable prices)
{
    public async Task<UsageReport> ForSessionAsync(Guid sessionId, string label, CancellationToken cancellationToken) =>
        new(label, Priced(await store.BySessionAsync(sessionId, cancellationToken)));

    public async Task<UsageReport> ForAuthAsync(Guid authId, string label, CancellationToken cancellationToken) =>
        new(label, Priced(await store.ByAuthAsync(authId, cancellationToken)));

    private List<ModelUsage> Priced(IReadOnlyList<ModelUsage> usage) =>
        [.. usage.Select(u => u with { Cost = prices.Cost(u.Model, u.InputTokens, u.OutputTokens, u.CachedInputTokens) })];
}
