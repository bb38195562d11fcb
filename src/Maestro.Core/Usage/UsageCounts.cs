using Microsoft.Extensions.AI;

namespace Maestro.Core.Usage;

/// <summary>Token counts of one call or one sum of calls, as priced. Input includes cache reads and cache writes.</summary>
public readonly record struct UsageCounts(long Input, long Output, long CachedInput, long CacheWrite = 0, long Reasoning = 0)
{
    /// <summary>
    /// The key adapters use in <c>UsageDetails.AdditionalCounts</c> for input tokens written to a prompt cache (billed
    /// above plain input by the providers that charge for cache writes).
    /// </summary>
    public const string CacheWriteKey = "cache_creation_input_tokens";

    /// <summary>The counts of one call's usage as a provider adapter reported it.</summary>
    public static UsageCounts From(UsageDetails usage) => new(
        usage.InputTokenCount ?? 0,
        usage.OutputTokenCount ?? 0,
        usage.CachedInputTokenCount ?? 0,
        usage.AdditionalCounts?.TryGetValue(CacheWriteKey, out var written) == true ? written : 0,
        usage.ReasoningTokenCount ?? 0);
}
