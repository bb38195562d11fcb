using Microsoft.Extensions.AI;

namespace Maestro.Gateway.Inbound;

/// <summary>A client's request read into M.E.AI terms, ready for any provider's chat client.</summary>
internal sealed class InboundRequest
{
    public required List<ChatMessage> Messages { get; init; }

    /// <summary>The options; <see cref="ChatOptions.ModelId"/> is set per target before each call.</summary>
    public required ChatOptions Options { get; init; }

    /// <summary>Chat Completions: the client asked for the usage chunk (<c>stream_options.include_usage</c>).</summary>
    public bool IncludeUsage { get; init; }

    /// <summary>Responses: the client asked for <c>reasoning.encrypted_content</c> in reasoning items.</summary>
    public bool IncludeReasoningData { get; init; }

    /// <summary>
    /// The client wants reasoning in the answer: always on the OpenAI APIs (as OpenAI returns it), with thinking enabled
    /// on Messages, with <c>includeThoughts</c> on Gemini, as those providers do.
    /// </summary>
    public bool ShowReasoning { get; init; } = true;

    /// <summary>Messages: the API version the client speaks (what <c>anthropic-version</c> said).</summary>
    public string? ApiVersion { get; init; }
}
