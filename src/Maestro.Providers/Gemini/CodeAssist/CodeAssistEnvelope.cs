using System.Buffers;
using System.Text.Json;

namespace Maestro.Providers.Gemini.CodeAssist;

/// <summary>
/// Code Assist wraps the Gemini API's messages: a request is <c>{"model", "project", "request": GenerateContentRequest}</c>
/// and each answer (a whole body or one streamed chunk) is <c>{"response": GenerateContentResponse, "traceId"}</c>
/// (gemini-cli, <c>packages/core/src/code_assist/converter.ts</c>). The inner objects are exactly the Gemini API's, so
/// the Gemini writer and parser do the real work.
/// </summary>
internal static class CodeAssistEnvelope
{
    /// <param name="model">A bare model id (<c>gemini-2.5-flash</c>), not <c>models/…</c>.</param>
    public static byte[] Wrap(string model, string project, ReadOnlyMemory<byte> request)
    {
        var buffer = new ArrayBufferWriter<byte>(request.Length + 128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model", model);
            writer.WriteString("project", project);
            writer.WritePropertyName("request");
            writer.WriteRawValue(request.Span, skipInputValidation: true);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The <c>response</c> object inside an answer, sliced from the same bytes (nothing copied). An answer without one
    /// (an <c>{"error": …}</c> object) is returned whole, so the Gemini parser sees the error.
    /// </summary>
    /// <param name="traceId">Read only when asked for (it is the same on every chunk of a stream).</param>
    /// <exception cref="JsonException">The bytes are not one JSON object.</exception>
    public static ReadOnlySpan<byte> Unwrap(ReadOnlySpan<byte> answer, bool readTraceId, out string? traceId)
    {
        traceId = null;
        var reader = new Utf8JsonReader(answer);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("a Code Assist answer must be a JSON object");
        }

        var start = -1;
        var end = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("response"u8))
            {
                reader.Read();
                start = (int)reader.TokenStartIndex;
                reader.Skip();
                end = (int)reader.BytesConsumed;
            }
            else if (readTraceId && reader.ValueTextEquals("traceId"u8))
            {
                reader.Read();
                traceId = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else
            {
                reader.Skip();
            }
        }

        return start >= 0 && answer[start] == (byte)'{' ? answer[start..end] : answer;
    }
}
