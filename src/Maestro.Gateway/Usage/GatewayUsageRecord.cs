namespace Maestro.Gateway.Usage;

/// <summary>One gateway request as recorded for its key.</summary>
/// <param name="Api">The client API: chat_completions, responses, messages or generate_content.</param>
/// <param name="Status">The HTTP status the client got (200 when the answer started, even if it failed later).</param>
/// <param name="Attempts">Targets tried (more than one after a failover).</param>
public sealed record GatewayUsageRecord(
    Guid KeyId,
    DateTimeOffset At,
    string Api,
    string? Route,
    Guid? AuthId,
    string? AuthLabel,
    string? Provider,
    string? Model,
    int Status,
    long InputTokens,
    long OutputTokens,
    long CachedInputTokens,
    long ReasoningTokens,
    decimal? CostUsd,
    int LatencyMs,
    int Attempts);

/// <summary>A key's use over a period, by route, provider and model.</summary>
public sealed record KeyUsageRow(string? Route, string? Provider, string? Model, long Requests, long Failed, long InputTokens, long OutputTokens, long CachedInputTokens, long ReasoningTokens, decimal? CostUsd);

/// <summary>A key's use since <see cref="Since"/>.</summary>
public sealed record KeyUsageReport(string Key, DateTimeOffset Since, IReadOnlyList<KeyUsageRow> Rows)
{
    public long Requests => Rows.Sum(r => r.Requests);

    public long InputTokens => Rows.Sum(r => r.InputTokens);

    public long OutputTokens => Rows.Sum(r => r.OutputTokens);

    /// <summary>Null when no row has a known cost.</summary>
    public decimal? CostUsd => Rows.Any(r => r.CostUsd is not null) ? Rows.Sum(r => r.CostUsd ?? 0) : null;
}
