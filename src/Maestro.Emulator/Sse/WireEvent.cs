namespace Maestro.Emulator.Sse;

/// <summary>
/// One event of a provider stream, as a provider renderer produces it and the generic writer frames, paces and damages it.
/// </summary>
/// <param name="Type">The SSE event name (Anthropic, OpenAI Responses); null where the provider sends data lines only.</param>
/// <param name="Data">The data line's payload: UTF-8 JSON, or <c>[DONE]</c>.</param>
/// <param name="Tokens">Tokens this event carries, for pacing; framing events carry none.</param>
/// <param name="Completes">
/// True for the provider's completion event (message_stop, response.completed/incomplete, [DONE], Gemini's finishReason chunk).
/// Stream faults always strike before it, so a damaged stream never looks complete.
/// </param>
/// <param name="IsFramed">True when <paramref name="Data"/> already holds the framed bytes (recorded fixtures replayed verbatim).</param>
internal readonly record struct WireEvent(string? Type, ReadOnlyMemory<byte> Data, int Tokens = 0, bool Completes = false, bool IsFramed = false)
{
    public static WireEvent Framed(ReadOnlyMemory<byte> bytes) => new(null, bytes, Tokens: 1, IsFramed: true);
}
