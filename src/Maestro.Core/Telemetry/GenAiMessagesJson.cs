using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Telemetry;

/// <summary>
/// Messages in the JSON shape of the GenAI conventions (<c>[{"role", "parts": [{"type": "text", "content"}, …]}]</c>),
/// for spans that capture content. Only built when content capture is on.
/// </summary>
internal static class GenAiMessagesJson
{
    public static string Instructions(string text) => Write(writer =>
    {
        writer.WriteStartArray();
        TextPart(writer, text);
        writer.WriteEndArray();
    });

    public static string Input(IEnumerable<ChatMessage> messages) => Write(writer =>
    {
        writer.WriteStartArray();
        foreach (var message in messages)
        {
            writer.WriteStartObject();
            writer.WriteString("role", message.Role.Value);
            writer.WriteStartArray("parts");
            foreach (var content in message.Contents)
            {
                Part(writer, content);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    });

    public static string Output(string text, List<FunctionCallContent>? calls, string? finishReason) => Write(writer =>
    {
        writer.WriteStartArray();
        writer.WriteStartObject();
        writer.WriteString("role", "assistant");
        writer.WriteStartArray("parts");
        if (text.Length > 0)
        {
            TextPart(writer, text);
        }

        foreach (var call in calls ?? [])
        {
            Part(writer, call);
        }

        writer.WriteEndArray();
        if (finishReason is not null)
        {
            writer.WriteString("finish_reason", finishReason);
        }

        writer.WriteEndObject();
        writer.WriteEndArray();
    });

    /// <summary>A tool call's arguments or result as JSON text.</summary>
    public static string Value(object? value) => value switch
    {
        null => "null",
        string s => s,
        JsonElement e => e.GetRawText(),
        _ => JsonSerializer.Serialize(value, AIJsonUtilities.DefaultOptions.GetTypeInfo(value.GetType())),
    };

    private static void Part(Utf8JsonWriter writer, AIContent content)
    {
        switch (content)
        {
            case TextContent text:
                TextPart(writer, text.Text);
                break;
            case TextReasoningContent reasoning when reasoning.Text.Length > 0:
                writer.WriteStartObject();
                writer.WriteString("type", "reasoning");
                writer.WriteString("content", reasoning.Text);
                writer.WriteEndObject();
                break;
            case FunctionCallContent call:
                writer.WriteStartObject();
                writer.WriteString("type", "tool_call");
                writer.WriteString("id", call.CallId);
                writer.WriteString("name", call.Name);
                writer.WritePropertyName("arguments");
                JsonSerializer.Serialize(writer, call.Arguments, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>)));
                writer.WriteEndObject();
                break;
            case FunctionResultContent result:
                writer.WriteStartObject();
                writer.WriteString("type", "tool_call_response");
                writer.WriteString("id", result.CallId);
                writer.WriteString("response", Value(result.Result));
                writer.WriteEndObject();
                break;
            case DataContent data:
                writer.WriteStartObject();
                writer.WriteString("type", "blob");
                writer.WriteString("mime_type", data.MediaType);
                writer.WriteEndObject();
                break;
            default:
                break;
        }
    }

    private static void TextPart(Utf8JsonWriter writer, string text)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "text");
        writer.WriteString("content", text);
        writer.WriteEndObject();
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
