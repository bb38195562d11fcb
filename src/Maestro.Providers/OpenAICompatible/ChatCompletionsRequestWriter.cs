using System.Text;
using System.Text.Json;
using Maestro.Core.Text;
using Maestro.Providers.OpenAI;
using Maestro.Providers.Shared;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.OpenAICompatible;

/// <summary>
/// Writes a Chat Completions request (<c>POST {base}/chat/completions</c>): one system message, the history with
/// assistant <c>tool_calls</c> and <c>tool</c> results, tools, sampling settings and, when streaming,
/// <c>stream_options.include_usage</c> so the final chunk carries token usage.
/// </summary>
/// <remarks>
/// Reasoning from earlier turns is not sent back: Chat Completions has no standard field for it, and servers that
/// stream <c>reasoning_content</c> (DeepSeek, vLLM) document that it must not be replayed.
/// </remarks>
public static class ChatCompletionsRequestWriter
{
    public static byte[] Write(IEnumerable<ChatMessage> messages, ChatOptions options, CompatibleProviderSettings settings, bool stream)
    {
        using var buffer = new PooledBufferWriter();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", options.ModelId);
            json.WriteStartArray("messages");
            if (OpenAIRequestWriter.Instructions(messages, options) is { Length: > 0 } system)
            {
                json.WriteStartObject();
                json.WriteString("role", "system");
                json.WriteString("content", system);
                json.WriteEndObject();
            }

            foreach (var message in messages)
            {
                WriteMessage(json, message);
            }

            json.WriteEndArray();
            FunctionToolsWriter.Write(json, options, nested: true, strict: false);
            WriteSampling(json, options, settings);
            if (options.Reasoning?.Effort is { } effort)
            {
                json.WriteString("reasoning_effort", effort switch
                {
                    ReasoningEffort.None => "none",
                    ReasoningEffort.Low => "low",
                    ReasoningEffort.Medium => "medium",
                    _ => "high",
                });
            }

            json.WriteBoolean("stream", stream);
            if (stream)
            {
                json.WriteStartObject("stream_options");
                json.WriteBoolean("include_usage", true);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteSampling(Utf8JsonWriter json, ChatOptions options, CompatibleProviderSettings settings)
    {
        if (options.Temperature is { } temperature)
        {
            json.WriteNumber("temperature", temperature);
        }

        if (options.TopP is { } topP)
        {
            json.WriteNumber("top_p", topP);
        }

        if ((options.MaxOutputTokens ?? settings.DefaultMaxTokens) is { } max and > 0)
        {
            json.WriteNumber(settings.MaxTokensField, max);
        }

        if (options.StopSequences is { Count: > 0 } stops)
        {
            json.WriteStartArray("stop");
            foreach (var stop in stops)
            {
                json.WriteStringValue(stop);
            }

            json.WriteEndArray();
        }

        if (options.Seed is { } seed)
        {
            json.WriteNumber("seed", seed);
        }

        if (options.FrequencyPenalty is { } frequency)
        {
            json.WriteNumber("frequency_penalty", frequency);
        }

        if (options.PresencePenalty is { } presence)
        {
            json.WriteNumber("presence_penalty", presence);
        }
    }

    private static void WriteMessage(Utf8JsonWriter json, ChatMessage message)
    {
        if (message.Role == ChatRole.System)
        {
            return;
        }

        if (message.Role == ChatRole.Assistant)
        {
            WriteAssistant(json, message);
            return;
        }

        // User and tool messages: results become tool messages, the rest one user message.
        var parts = new List<AIContent>();
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case FunctionResultContent result:
                    json.WriteStartObject();
                    json.WriteString("role", "tool");
                    json.WriteString("tool_call_id", result.CallId);
                    ToolResultText.Write(json, "content", result);
                    json.WriteEndObject();
                    break;
                case TextContent { Text.Length: > 0 }:
                case DataContent:
                case UriContent:
                    parts.Add(content);
                    break;
            }
        }

        if (parts.Count == 0)
        {
            return;
        }

        json.WriteStartObject();
        json.WriteString("role", "user");
        if (parts is [TextContent only])
        {
            json.WriteString("content", only.Text);
        }
        else
        {
            json.WriteStartArray("content");
            foreach (var part in parts)
            {
                json.WriteStartObject();
                if (part is TextContent text)
                {
                    json.WriteString("type", "text");
                    json.WriteString("text", text.Text);
                }
                else if (part is DataContent file && Shared.InlineTextFile.Is(file))
                {
                    json.WriteString("type", "text");
                    json.WriteString("text", Shared.InlineTextFile.Text(file));
                }
                else
                {
                    json.WriteString("type", "image_url");
                    json.WriteStartObject("image_url");
                    json.WriteString("url", part is DataContent data ? ImageUrl.Of(data) : ImageUrl.Of((UriContent)part));
                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static void WriteAssistant(Utf8JsonWriter json, ChatMessage message)
    {
        StringBuilder? text = null;
        List<FunctionCallContent>? calls = null;
        List<FunctionResultContent>? results = null;
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent { Text.Length: > 0 } t:
                    (text ??= new StringBuilder()).Append(t.Text);
                    break;
                case FunctionCallContent call:
                    (calls ??= []).Add(call);
                    break;
                case FunctionResultContent result:
                    (results ??= []).Add(result);
                    break;
            }
        }

        if (text is not null || calls is not null)
        {
            json.WriteStartObject();
            json.WriteString("role", "assistant");
            if (text is not null)
            {
                json.WriteString("content", text.ToString());
            }
            else
            {
                json.WriteNull("content");
            }

            if (calls is not null)
            {
                json.WriteStartArray("tool_calls");
                foreach (var call in calls)
                {
                    json.WriteStartObject();
                    json.WriteString("id", call.CallId);
                    json.WriteString("type", "function");
                    json.WriteStartObject("function");
                    json.WriteString("name", call.Name);
                    json.WriteString("arguments", OpenAIRequestWriter.ArgumentsJson(call.Arguments));
                    json.WriteEndObject();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        // Results stored on an assistant message (some histories do this) still follow their calls.
        foreach (var result in results ?? [])
        {
            json.WriteStartObject();
            json.WriteString("role", "tool");
            json.WriteString("tool_call_id", result.CallId);
            ToolResultText.Write(json, "content", result);
            json.WriteEndObject();
        }
    }
}
