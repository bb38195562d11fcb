namespace Maestro.Core.Providers;

/// <summary>
/// The HTTP APIs an LLM request can be written in. Providers say which one an auth's requests are written in (its
/// reasoning signatures belong to it) and which ones it can take as they are (<see cref="IPassThroughProvider"/>).
/// </summary>
public enum WireApi
{
    /// <summary><c>POST /v1/chat/completions</c>, the API most OpenAI-compatible servers speak.</summary>
    ChatCompletions,

    /// <summary><c>POST /v1/responses</c>.</summary>
    Responses,

    /// <summary><c>POST /v1/messages</c>.</summary>
    Messages,

    /// <summary><c>POST /v1beta/models/{model}:generateContent</c> and <c>:streamGenerateContent</c>.</summary>
    GenerateContent,
}
