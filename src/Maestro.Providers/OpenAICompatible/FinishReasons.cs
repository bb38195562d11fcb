using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.OpenAICompatible;

/// <summary>Chat Completions finish_reason values and their normalized form.</summary>
public static class FinishReasons
{
    private static readonly string[] Known = ["stop", "length", "tool_calls", "content_filter", "function_call"];

    /// <summary>The known reasons come back as constants, so a stream allocates nothing for them.</summary>
    public static string Intern(ref Utf8JsonReader reader)
    {
        foreach (var known in Known)
        {
            if (reader.ValueTextEquals(known))
            {
                return known;
            }
        }

        return reader.GetString()!;
    }

    /// <summary>No reason at all (some servers) reads as Stop, or ToolCalls when calls were made.</summary>
    public static ChatFinishReason ToChat(string? raw, bool sawToolCall) => raw switch
    {
        "stop" or "eos" or "end_turn" => sawToolCall ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop,
        "length" or "max_tokens" => ChatFinishReason.Length,
        "tool_calls" or "function_call" => ChatFinishReason.ToolCalls,
        "content_filter" => ChatFinishReason.ContentFilter,
        null => sawToolCall ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop,
        _ => new ChatFinishReason(raw),
    };
}
