using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Anthropic;

/// <summary>
/// Token counts of one response. message_start carries the input side and message_delta the cumulative totals, which
/// win where present (server tools make the final input larger than the first).
/// </summary>
public sealed class AnthropicUsage
{
    public const string CacheCreationKey = "cache_creation_input_tokens";

    private long? _input;
    private long? _output;
    private long? _cacheRead;
    private long? _cacheCreation;
    private long? _thinking;

    public void Read(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        _input = Number(usage, "input_tokens") ?? _input;
        _output = Number(usage, "output_tokens") ?? _output;
        _cacheRead = Number(usage, "cache_read_input_tokens") ?? _cacheRead;
        _cacheCreation = Number(usage, CacheCreationKey) ?? _cacheCreation;
        if (usage.TryGetProperty("output_tokens_details", out var details) && details.ValueKind == JsonValueKind.Object)
        {
            _thinking = Number(details, "thinking_tokens") ?? _thinking;
        }
    }

    /// <summary>
    /// Anthropic's input_tokens leaves out cached tokens; M.E.AI counts them in. So input = uncached + cache read + cache
    /// written, with the cache reads also in CachedInputTokenCount and the cache writes in AdditionalCounts.
    /// </summary>
    public UsageDetails ToDetails()
    {
        var input = (_input ?? 0) + (_cacheRead ?? 0) + (_cacheCreation ?? 0);
        var output = _output ?? 0;
        var details = new UsageDetails
        {
            InputTokenCount = input,
            OutputTokenCount = output,
            TotalTokenCount = input + output,
            CachedInputTokenCount = _cacheRead,
            ReasoningTokenCount = _thinking,
        };
        if (_cacheCreation is > 0)
        {
            details.AdditionalCounts = new() { [CacheCreationKey] = _cacheCreation.Value };
        }

        return details;
    }

    private static long? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : null;
}
