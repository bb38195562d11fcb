using System.Text.Json;
using Maestro.Core.Chat;
using Maestro.Core.Events;

namespace Maestro.Web.Api;

/// <summary>
/// The JSON of a text delta, written member by member: nearly every frame a viewer gets is one, and the serializer's
/// general path costs several times as much per frame (metadata lookups, a frame stack allocated per call). The output
/// is the serializer's own for the API's options (snake_case names, nulls left out, members in declaration order);
/// a test holds the two to the same bytes.
/// </summary>
internal static class TextDeltaJson
{
    /// <summary>Writes the event when it is a plain text delta; false (nothing written) for any other event.</summary>
    public static bool TryWrite(Utf8JsonWriter json, SessionEvent e)
    {
        if (e is not { Type: SessionEventTypes.Delta, Delta: { } delta, Message: null, Tool: null, Approval: null, Turn: null, Notice: null }
            || !IsPlainText(delta))
        {
            return false;
        }

        json.WriteStartObject();
        json.WriteNumber("id"u8, e.Id);
        json.WriteString("session_id"u8, e.SessionId);
        json.WriteString("type"u8, e.Type);
        if (e.TurnId is { } turnId)
        {
            json.WriteString("turn_id"u8, turnId);
        }

        if (e.MessageId is { } messageId)
        {
            json.WriteString("message_id"u8, messageId);
        }

        json.WriteString("at"u8, e.At);
        json.WriteStartObject("delta"u8);
        json.WriteString("type"u8, delta.Type);
        json.WriteString("text"u8, delta.Text);
        if (delta.Offset is { } offset)
        {
            json.WriteNumber("offset"u8, offset);
        }

        json.WriteEndObject();
        json.WriteEndObject();
        return true;
    }

    private static bool IsPlainText(StreamEvent d) => d is
    {
        Type: "text",
        Text: not null,
        HasProtectedData: null,
        CallId: null,
        Name: null,
        Arguments: null,
        Error: null,
        Code: null,
        InputTokens: null,
        OutputTokens: null,
        CachedInputTokens: null,
        ReasoningTokens: null,
        TotalTokens: null,
        FinishReason: null,
        Model: null,
        ResponseId: null,
    };
}
