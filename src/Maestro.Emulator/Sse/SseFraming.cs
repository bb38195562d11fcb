namespace Maestro.Emulator.Sse;

/// <summary>How each provider frames its stream events on the wire (see Fixtures/providers/SOURCES.md).</summary>
internal enum SseFraming
{
    /// <summary>Anthropic and OpenAI Responses: <c>event: &lt;type&gt;\ndata: &lt;json&gt;\n\n</c>.</summary>
    EventAndData,

    /// <summary>Chat Completions: <c>data: &lt;json&gt;\n\n</c>, ending with <c>data: [DONE]\n\n</c>.</summary>
    Data,

    /// <summary>Gemini <c>alt=sse</c>: <c>data: &lt;json&gt;\r\n\r\n</c>.</summary>
    DataCrlf,

    /// <summary>Gemini <c>streamGenerateContent</c> without <c>alt=sse</c>: one JSON array, written element by element.</summary>
    JsonArray,
}
