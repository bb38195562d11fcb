using System.Text.Json.Serialization;

namespace Maestro.Emulator;

/// <summary>
/// Token counts reported for a scripted answer. <see cref="OutputTokens"/> includes reasoning tokens, as Anthropic's
/// and OpenAI's counts do (Gemini's candidatesTokenCount is rendered as output minus reasoning).
/// </summary>
public sealed record ScriptedUsage
{
    [JsonPropertyName("input_tokens")]
    public int? InputTokens { get; init; }

    [JsonPropertyName("output_tokens")]
    public int? OutputTokens { get; init; }

    /// <summary>Input tokens served from the prompt cache.</summary>
    [JsonPropertyName("cached_tokens")]
    public int? CachedTokens { get; init; }

    [JsonPropertyName("reasoning_tokens")]
    public int? ReasoningTokens { get; init; }
}
