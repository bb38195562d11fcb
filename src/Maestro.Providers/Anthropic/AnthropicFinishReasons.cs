using Microsoft.Extensions.AI;

namespace Maestro.Providers.Anthropic;

internal static class AnthropicFinishReasons
{
    /// <summary>stop_reason → FinishReason; reasons M.E.AI has no name for (pause_turn) pass through as they are.</summary>
    public static ChatFinishReason? Map(string? stopReason) => stopReason switch
    {
        null or "" => null,
        "end_turn" or "stop_sequence" => ChatFinishReason.Stop,
        "max_tokens" or "model_context_window_exceeded" => ChatFinishReason.Length,
        "tool_use" => ChatFinishReason.ToolCalls,
        "refusal" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(stopReason),
    };
}
