using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Gemini;

/// <summary>The AdditionalProperties keys Gemini content carries, and reading them back after a round trip through storage.</summary>
internal static class GeminiProperties
{
    /// <summary>The thoughtSignature of a functionCall (or executableCode) part; must be sent back with the call.</summary>
    public const string ThoughtSignature = "thought_signature";

    /// <summary>Gemini's raw finishReason (STOP, MAX_TOKENS, SAFETY, …) on the final update.</summary>
    public const string FinishReason = "finish_reason";

    /// <summary>Gemini's finishMessage when it gives one (e.g. "Model generated function call(s).").</summary>
    public const string FinishMessage = "finish_message";

    /// <summary>executableCode language (PYTHON).</summary>
    public const string Language = "language";

    /// <summary>codeExecutionResult outcome (OUTCOME_OK, OUTCOME_FAILED, OUTCOME_DEADLINE_EXCEEDED).</summary>
    public const string Outcome = "outcome";

    public static string? Signature(AdditionalPropertiesDictionary? properties) => String(properties, ThoughtSignature);

    /// <summary>A string value, whether it is still a string or came back from storage as a JSON string element.</summary>
    public static string? String(AdditionalPropertiesDictionary? properties, string key) =>
        properties is not null && properties.TryGetValue(key, out var value)
            ? value switch
            {
                string s when s.Length > 0 => s,
                JsonElement { ValueKind: JsonValueKind.String } element => element.GetString(),
                _ => null,
            }
            : null;
}
