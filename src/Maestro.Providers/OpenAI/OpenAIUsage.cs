using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.OpenAI;

/// <summary>Token usage in both OpenAI shapes: Responses (input/output_tokens) and Chat Completions (prompt/completion_tokens).</summary>
public static class OpenAIUsage
{
    public static UsageDetails? FromResponses(JsonElement usage) =>
        usage.ValueKind != JsonValueKind.Object ? null : new UsageDetails
        {
            InputTokenCount = Int(usage, "input_tokens"),
            OutputTokenCount = Int(usage, "output_tokens"),
            TotalTokenCount = Int(usage, "total_tokens"),
            CachedInputTokenCount = Nested(usage, "input_tokens_details", "cached_tokens"),
            ReasoningTokenCount = Nested(usage, "output_tokens_details", "reasoning_tokens"),
        };

    public static UsageDetails? FromChatCompletions(JsonElement usage) =>
        usage.ValueKind != JsonValueKind.Object ? null : new UsageDetails
        {
            InputTokenCount = Int(usage, "prompt_tokens"),
            OutputTokenCount = Int(usage, "completion_tokens"),
            TotalTokenCount = Int(usage, "total_tokens"),
            CachedInputTokenCount = Nested(usage, "prompt_tokens_details", "cached_tokens"),
            ReasoningTokenCount = Nested(usage, "completion_tokens_details", "reasoning_tokens"),
        };

    private static long? Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : null;

    private static long? Nested(JsonElement element, string parent, string name) =>
        element.TryGetProperty(parent, out var details) && details.ValueKind == JsonValueKind.Object ? Int(details, name) : null;
}
