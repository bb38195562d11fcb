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
        return new(label, Priced(await store.BySessionAsync(sessionId, prices.LongContextThresholds(), cancellationToken)));
    }

    public async Task<UsageReport> ForAuthAsync(Guid authId, string label, CancellationToken cancellationToken)
    {
        await PrepareAsync(cancellationToken);
        return new(label, Priced(await store.ByAuthAsync(authId, prices.LongContextThresholds(), cancellationToken)));
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

    /// <summary>
    /// Prices each row in the tier of its longest prompt (the store split rows at every threshold, so all its calls share
    /// that tier), then folds the rows of one model and provider back into one.
    /// </summary>
    private List<ModelUsage> Priced(IReadOnlyList<ModelUsage> rows)
    {
        var merged = new List<ModelUsage>(rows.Count);
        foreach (var row in rows)
        {
            var cost = row.Provider is { } provider && prices.Find(provider, row.Model) is { } quote
                ? PriceTable.Cost(quote.Price, row.ToCounts(), row.LongestPrompt)
                : (decimal?)null;
            var priced = row with { Cost = cost };
            var same = merged.FindIndex(m => m.Model == row.Model && m.Provider == row.Provider);
            if (same < 0)
            {
                merged.Add(priced);
            }
            else
            {
                merged[same] = Fold(merged[same], priced);
            }
        }

        return merged;
    }

    private static ModelUsage Fold(ModelUsage a, ModelUsage b) => a with
    {
        Messages = a.Messages + b.Messages,
        InputTokens = a.InputTokens + b.InputTokens,
        OutputTokens = a.OutputTokens + b.OutputTokens,
        CachedInputTokens = a.CachedInputTokens + b.CachedInputTokens,
        ReasoningTokens = a.ReasoningTokens + b.ReasoningTokens,
        CacheWriteTokens = a.CacheWriteTokens + b.CacheWriteTokens,
        Cost = a.Cost is null && b.Cost is null ? null : (a.Cost ?? 0) + (b.Cost ?? 0),
        LongestPrompt = Math.Max(a.LongestPrompt, b.LongestPrompt),
    };
}
