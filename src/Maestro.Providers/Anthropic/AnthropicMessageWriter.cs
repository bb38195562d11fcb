using System.Text.Json;
using Maestro.Core.Errors;
using Maestro.Providers.Shared;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Anthropic;

/// <summary>Writes one wire message: the content blocks of a group of history messages.</summary>
internal static class AnthropicMessageWriter
{
    /// <summary>Marks a <see cref="TextReasoningContent"/> that carries a redacted_thinking block's data.</summary>
    public const string RedactedKey = "redacted";

    public static bool HasBlocks(ChatMessage message, bool assistant)
    {
        foreach (var content in message.Contents)
        {
            if (IsWritable(content, assistant))
            {
                return true;
            }
        }

        return false;
    }

    public static void Write(Utf8JsonWriter writer, IReadOnlyList<ChatMessage> history, AnthropicMessageGroup group)
    {
        writer.WriteStartObject();
        writer.WriteString("role", group.IsAssistant ? "assistant" : "user");
        writer.WritePropertyName("content");
        writer.WriteStartArray();
        if (group.IsAssistant)
        {
            foreach (var index in group.Indices)
            {
                foreach (var content in history[index].Contents)
                {
                    WriteBlock(writer, content, assistant: true);
                }
            }
        }
        else
        {
            // The API wants a user message's tool_result blocks before anything else in it.
            foreach (var index in group.Indices)
            {
                foreach (var content in history[index].Contents)
                {
                    if (content is FunctionResultContent result)
                    {
                        WriteToolResult(writer, result);
                    }
                }
            }

            foreach (var index in group.Indices)
            {
                foreach (var content in history[index].Contents)
                {
                    if (content is not FunctionResultContent)
                    {
                        WriteBlock(writer, content, assistant: false);
                    }
                }
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static bool IsWritable(AIContent content, bool assistant) => content switch
    {
        TextContent text => !string.IsNullOrEmpty(text.Text),
        TextReasoningContent reasoning => assistant && IsReplayable(reasoning),
        DataContent or UriContent or FunctionCallContent or FunctionResultContent => true,
        _ => false,
    };

    /// <summary>
    /// Only reasoning that carries Anthropic's replay data goes back: thinking without a signature is refused by the API,
    /// and OpenAI's encrypted reasoning (marked with its item id) means nothing here.
    /// </summary>
    private static bool IsReplayable(TextReasoningContent reasoning) =>
        !string.IsNullOrEmpty(reasoning.ProtectedData) && reasoning.AdditionalProperties?.ContainsKey("item_id") != true;

    private static bool IsRedacted(TextReasoningContent reasoning) => IsTrue(reasoning.AdditionalProperties, RedactedKey);

    /// <summary>A flag in AdditionalProperties, as set (bool) or as read back from storage (a JSON true).</summary>
    private static bool IsTrue(AdditionalPropertiesDictionary? properties, string key) =>
        properties?.TryGetValue(key, out var value) == true && value is true or JsonElement { ValueKind: JsonValueKind.True };

    private static void WriteBlock(Utf8JsonWriter writer, AIContent content, bool assistant)
    {
        if (!IsWritable(content, assistant))
        {
            return;
        }

        switch (content)
        {
            case TextContent text:
                WriteText(writer, text.Text);
                break;
            case TextReasoningContent reasoning when IsRedacted(reasoning):
                writer.WriteStartObject();
                writer.WriteString("type", "redacted_thinking");
                writer.WriteString("data", reasoning.ProtectedData);
                writer.WriteEndObject();
                break;
            case TextReasoningContent reasoning:
                writer.WriteStartObject();
                writer.WriteString("type", "thinking");
                writer.WriteString("thinking", reasoning.Text ?? "");
                writer.WriteString("signature", reasoning.ProtectedData);
                writer.WriteEndObject();
                break;
            case DataContent data:
                WriteData(writer, data);
                break;
            case UriContent uri:
                WriteUri(writer, uri);
                break;
            case FunctionCallContent call:
                writer.WriteStartObject();
                writer.WriteString("type", "tool_use");
                writer.WriteString("id", AnthropicToolIds.Sanitize(call.CallId));
                writer.WriteString("name", call.Name);
                writer.WritePropertyName("input");
                ToolArguments.WriteObject(writer, call.Arguments);
                writer.WriteEndObject();
                break;
            case FunctionResultContent result:
                WriteToolResult(writer, result);
                break;
        }
    }

    private static void WriteText(Utf8JsonWriter writer, string text)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "text");
        writer.WriteString("text", text);
        writer.WriteEndObject();
    }

    /// <summary>Images as image blocks, PDFs and plain text as document blocks; the API takes nothing else inline.</summary>
    private static void WriteData(Utf8JsonWriter writer, DataContent data)
    {
        var mediaType = data.MediaType;
        writer.WriteStartObject();
        if (data.HasTopLevelMediaType("image"))
        {
            writer.WriteString("type", "image");
            writer.WritePropertyName("source");
            writer.WriteStartObject();
            writer.WriteString("type", "base64");
            writer.WriteString("media_type", mediaType);
            writer.WriteString("data", data.Base64Data.Span);
            writer.WriteEndObject();
        }
        else if (mediaType == "application/pdf")
        {
            writer.WriteString("type", "document");
            writer.WritePropertyName("source");
            writer.WriteStartObject();
            writer.WriteString("type", "base64");
            writer.WriteString("media_type", mediaType);
            writer.WriteString("data", data.Base64Data.Span);
            writer.WriteEndObject();
        }
        else if (mediaType.StartsWith("text/plain", StringComparison.Ordinal))
        {
            writer.WriteString("type", "document");
            writer.WritePropertyName("source");
            writer.WriteStartObject();
            writer.WriteString("type", "text");
            writer.WriteString("media_type", "text/plain");
            writer.WriteString("data", data.Data.Span);
            writer.WriteEndObject();
        }
        else
        {
            throw new ValidationFailedException("messages", $"Anthropic cannot take a {mediaType} attachment inline: send images, PDFs or plain text.");
        }

        if (data.Name is { Length: > 0 } name && !data.HasTopLevelMediaType("image"))
        {
            writer.WriteString("title", name);
        }

        writer.WriteEndObject();
    }

    private static void WriteUri(Utf8JsonWriter writer, UriContent uri)
    {
        var type = uri.HasTopLevelMediaType("image") ? "image"
            : uri.MediaType == "application/pdf" ? "document"
            : throw new ValidationFailedException("messages", $"Anthropic can fetch images and PDFs by URL, not {uri.MediaType}.");
        writer.WriteStartObject();
        writer.WriteString("type", type);
        writer.WritePropertyName("source");
        writer.WriteStartObject();
        writer.WriteString("type", "url");
        writer.WriteString("url", uri.Uri.AbsoluteUri);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>
    /// A tool's result: text (or text and images) as content blocks; a failed tool (an Exception, or the turn engine's
    /// is_error flag) is marked is_error so the model knows the call did not work.
    /// </summary>
    private static void WriteToolResult(Utf8JsonWriter writer, FunctionResultContent result)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "tool_result");
        writer.WriteString("tool_use_id", AnthropicToolIds.Sanitize(result.CallId));
        var value = result.Result ?? result.Exception?.Message;
        if (value is not null)
        {
            writer.WritePropertyName("content");
            writer.WriteStartArray();
            WriteResultValue(writer, value);
            writer.WriteEndArray();
        }

        if (result.Exception is not null || IsTrue(result.AdditionalProperties, "is_error"))
        {
            writer.WriteBoolean("is_error", true);
        }

        writer.WriteEndObject();
    }

    private static void WriteResultValue(Utf8JsonWriter writer, object value)
    {
        switch (value)
        {
            case string text:
                // The API refuses empty text blocks; an empty result is sent as no content.
                if (text.Length > 0)
                {
                    WriteText(writer, text);
                }

                break;
            case JsonElement { ValueKind: JsonValueKind.String } element:
                // A result read back from the database goes in as its JSON text (see ParsedJson); "" as no content.
                if (!ParsedJson.IsEmptyString(element))
                {
                    writer.WriteStartObject();
                    writer.WriteString("type", "text");
                    writer.WritePropertyName("text");
                    ParsedJson.WriteValue(writer, element);
                    writer.WriteEndObject();
                }

                break;
            case TextContent text:
                WriteResultValue(writer, text.Text);
                break;
            case DataContent data when data.HasTopLevelMediaType("image") || data.MediaType == "application/pdf":
                WriteData(writer, data);
                break;
            case UriContent uri:
                WriteUri(writer, uri);
                break;
            case IEnumerable<AIContent> contents:
                foreach (var content in contents)
                {
                    WriteResultValue(writer, content);
                }

                break;
            default:
                WriteText(writer, JsonSerializer.Serialize(value, value.GetType(), AIJsonUtilities.DefaultOptions));
                break;
        }
    }
}
