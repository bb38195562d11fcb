using Maestro.Bench.Streams;

namespace Maestro.Bench.Latency;

/// <summary>
/// Recognizes, in raw response bytes, the first event that carries answer text — so the raw client can also time the
/// moment the first text delta's bytes arrived, not just the first byte of the body.
/// </summary>
public static class TextMarkers
{
    public static bool ContainsText(Adapter adapter, ReadOnlySpan<byte> received) => adapter switch
    {
        Adapter.AnthropicMessages => received.IndexOf("\"text_delta\""u8) >= 0,
        Adapter.OpenAIResponses => received.IndexOf("response.output_text.delta"u8) >= 0,
        Adapter.ChatCompletions => NonEmptyString(received, "\"content\":\""u8),
        Adapter.Gemini => received.IndexOf("\"text\":"u8) >= 0 || received.IndexOf("\"text\": "u8) >= 0,
        _ => throw new ArgumentOutOfRangeException(nameof(adapter), adapter, "unknown adapter"),
    };

    private static bool NonEmptyString(ReadOnlySpan<byte> received, ReadOnlySpan<byte> key)
    {
        while (true)
        {
            var at = received.IndexOf(key);
            if (at < 0)
            {
                return false;
            }

            received = received[(at + key.Length)..];
            if (received.Length > 0 && received[0] != (byte)'"')
            {
                return true;
            }
        }
    }
}
