namespace Maestro.Core.Usage;

/// <summary>Token totals of one model within a scope (a session, an auth), with the cost when the model has a price.</summary>
/// <param name="CacheWriteTokens">Input tokens written to the prompt cache (also counted in <paramref name="InputTokens"/>).</param>
/// <param name="Messages">The provider calls counted: one per answer, summary or title.</param>
/// <param name="LongestPrompt">The most input tokens one of the counted calls had (it decides a long-context tier).</param>
public sealed record ModelUsage(
    string Model,
    string? Provider,
    long Messages,
    long InputTokens,
    long OutputTokens,
    long CachedInputTokens,
    long ReasoningTokens,
    decimal? Cost,
    long CacheWriteTokens = 0,
    long LongestPrompt = 0)
{
    public UsageCounts ToCounts() => new(InputTokens, OutputTokens, CachedInputTokens, CacheWriteTokens, ReasoningTokens);
}

public sealed record UsageReport(string Scope, IReadOnlyList<ModelUsage> ByModel)
{
    public long InputTokens => ByModel.Sum(m => m.InputTokens);

    public long OutputTokens => ByModel.Sum(m => m.OutputTokens);

    public long CachedInputTokens => ByModel.Sum(m => m.CachedInputTokens);

    public long ReasoningTokens => ByModel.Sum(m => m.ReasoningTokens);

    /// <summary>Null when no model in the report has a price.</summary>
    public decimal? Cost => ByModel.Any(m => m.Cost is not null) ? ByModel.Sum(m => m.Cost ?? 0) : null;
}
