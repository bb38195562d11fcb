using System.Text.Json;

namespace Maestro.Emulator.Hosting;

/// <summary>What the shared chat pipeline needs to know about a provider request, read by the provider's reader.</summary>
internal sealed class ChatRequest
{
    /// <summary><c>anthropic</c>, <c>openai</c> or <c>gemini</c>.</summary>
    public required string Provider { get; init; }

    /// <summary>The body exactly as received.</summary>
    public required ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The parsed body (valid while the request is handled).</summary>
    public required JsonElement Json { get; init; }

    public required string Model { get; init; }

    public required bool Stream { get; init; }

    /// <summary>Text of the last user turn (or tool result), quoted by synthetic answers.</summary>
    public required string LastUserText { get; init; }

    /// <summary>The request asks to see reasoning (thinking enabled, a reasoning summary, or thoughts included).</summary>
    public bool WantsReasoning { get; init; }

    /// <summary>The credential presented; scripts are keyed by it.</summary>
    public string? Credential { get; init; }

    /// <summary>Input tokens reported when nothing else says: about four bytes of request per token.</summary>
    public int EstimatedInputTokens => Math.Max(1, Body.Length / 4);
}
