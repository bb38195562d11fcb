using System.Text;
using Maestro.Core.Providers;
using Microsoft.Extensions.AI;

namespace Maestro.Gateway.Outbound;

/// <summary>
/// One answer as it arrives, in the order the model produced it: text, reasoning (with its signature or encrypted data)
/// and tool calls, plus usage and the stop. Streams render from it as parts open and close; whole bodies are written
/// from it at the end.
/// </summary>
internal sealed class Answer
{
    public List<AnswerPart> Parts { get; } = [];

    public UsageDetails? Usage { get; set; }

    public ChatFinishReason? Finish { get; set; }

    /// <summary>The producer's own finish reason (<c>end_turn</c>, <c>MAX_TOKENS</c>…), when it said.</summary>
    public string? RawFinish { get; set; }

    public string? StopSequence { get; set; }

    /// <summary>The model the provider says answered (a dated snapshot, say); null until it says.</summary>
    public string? ModelId { get; set; }

    public bool HasToolCalls { get; set; }
}

internal abstract class AnswerPart;

internal sealed class TextPart : AnswerPart
{
    public StringBuilder Text { get; } = new();
}

internal sealed class ReasoningPart : AnswerPart
{
    public StringBuilder Text { get; } = new();

    /// <summary>The signature or encrypted reasoning, as the producer sent it.</summary>
    public string? Data { get; set; }

    /// <summary>The producer's id for this reasoning (OpenAI's <c>rs_…</c>), when it has one.</summary>
    public string? ItemId { get; set; }

    /// <summary>Anthropic redacted_thinking: <see cref="Data"/> is the encrypted thinking, there is no text.</summary>
    public bool Redacted { get; set; }
}

internal sealed class CallPart(FunctionCallContent call, string argumentsJson) : AnswerPart
{
    public FunctionCallContent Call { get; } = call;

    /// <summary>The arguments as compact JSON object text.</summary>
    public string ArgumentsJson { get; } = argumentsJson;

    /// <summary>A signature that rides on the call (Gemini's thoughtSignature), when there is one.</summary>
    public string? Signature => Call.AdditionalProperties?.TryGetValue(Translation.ReasoningOrigin.CallSignatureKey, out var value) == true
        ? value as string ?? (value is System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.String } e ? e.GetString() : null)
        : null;
}

/// <summary>Who produced the answer and for whom it is rendered: decides whether signatures are written as they are or wrapped.</summary>
/// <param name="ClientModel">The model name the answer echoes when the provider names none.</param>
/// <param name="Request">The client's request body (Responses echoes its settings).</param>
internal sealed record AnswerContext(WireApi ClientApi, string ProviderId, WireApi? ProducerApi, string ClientModel, TimeProvider Time, bool IncludeUsage, bool IncludeReasoningData, System.Text.Json.JsonElement Request, bool ShowReasoning = true)
{
    /// <summary>When the answer started (every format stamps it).</summary>
    public DateTimeOffset Created { get; } = Time.GetUtcNow();

    public bool ProducerSpeaksClientApi => ProducerApi == ClientApi;

    /// <summary>The value for the client's signature field.</summary>
    public string Signature(string data, string? itemId = null) =>
        Translation.ReasoningOrigin.Wrap(data, ProviderId, ProducerSpeaksClientApi, itemId);
}
