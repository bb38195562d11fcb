namespace Maestro.Bench.Streams;

/// <summary>The four stream formats Maestro parses, one per adapter.</summary>
public enum Adapter
{
    AnthropicMessages,
    OpenAIResponses,
    ChatCompletions,
    Gemini,
}
