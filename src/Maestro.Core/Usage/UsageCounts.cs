namespace Maestro.Core.Usage;

/// <summary>Token counts of one call or one sum of calls, as priced. Input includes cache reads and cache writes.</summary>
public readonly record struct UsageCounts(long Input, long Output, long CachedInput, long CacheWrite = 0, long Reasoning = 0)
{
    /// <summary>
    /// The key adapters use in <c>UsageDetails.AdditionalCounts</c> for input tokens written to a prompt cache (billed
    /// above plain input by the providers that charge for cache writes).
    /// </summary>
    public const string CacheWriteKey = "cache_creation_input_tokens";
}
