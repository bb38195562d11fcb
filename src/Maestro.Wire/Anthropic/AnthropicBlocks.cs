using System.Text.Json;

namespace Maestro.Wire.Anthropic;

/// <summary>Messages API content blocks as the API writes them (in answers and in content_block_start events).</summary>
public static class AnthropicBlocks
{
    public static void Text(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("type", "text");
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    public static void Thinking(Utf8JsonWriter w, string thinking, string signature)
    {
        w.WriteStartObject();
        w.WriteString("type", "thinking");
        w.WriteString("thinking", thinking);
        w.WriteString("signature", signature);
        w.WriteEndObject();
    }

    public static void RedactedThinking(Utf8JsonWriter w, string data)
    {
        w.WriteStartObject();
        w.WriteString("type", "redacted_thinking");
        w.WriteString("data", data);
        w.WriteEndObject();
    }

    /// <summary>A tool_use block; the API marks a call the model made itself with <c>"caller": {"type": "direct"}</c>.</summary>
    /// <param name="inputJson">The input as compact JSON object text (<c>{}</c> in a stream's content_block_start).</param>
    public static void ToolUse(Utf8JsonWriter w, string id, string name, string inputJson)
    {
        w.WriteStartObject();
        w.WriteString("type", "tool_use");
        w.WriteString("id", id);
        w.WriteString("name", name);
        w.WritePropertyName("input");
        w.WriteRawValue(inputJson, skipInputValidation: true);
        w.WriteStartObject("caller");
        w.WriteString("type", "direct");
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
