using System.Buffers;
using System.Text;
using System.Text.Json;
using Maestro.Core.Text;
using Maestro.Providers.Shared;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Maestro.Providers.OpenAI;

/// <summary>
/// Writes a Responses API request (<c>POST /v1/responses</c>) from M.E.AI messages and options.
/// Requests are stateless (<c>store: false</c>): the whole history is sent every turn, and reasoning comes back as
/// <c>encrypted_content</c> that is replayed with its item id.
/// </summary>
public static class OpenAIRequestWriter
{
    public const string ItemIdKey = "item_id";

    /// <summary>The request body as UTF-8 JSON. Call <see cref="ChatRequestValidator.Validate"/> first.</summary>
    /// <remarks>
    /// Stop sequences: the Responses API has no <c>stop</c> parameter, so they are dropped (logged at debug level)
    /// rather than failing a turn that works everywhere else. Temperature and top_p are dropped for reasoning models,
    /// which reject them.
    /// </remarks>
    /// <param name="reasoningSummary">
    /// The summary to ask reasoning models for when the caller does not say (<see cref="OpenAIOptions.ReasoningSummary"/>);
    /// null or "none" asks for none.
    /// </param>
    public static byte[] Write(
        IEnumerable<ChatMessage> messages, ChatOptions options, bool stream, ILogger? logger = null, string? reasoningSummary = "auto")
    {
        logger ??= NullLogger.Instance;
        var model = options.ModelId!;
        var family = OpenAIModels.Find(model);
        var reasoningModel = OpenAIModels.IsReasoning(model);
        using var buffer = new PooledBufferWriter();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", model);
            if (Instructions(messages, options) is { Length: > 0 } instructions)
            {
                json.WriteString("instructions", instructions);
            }

            json.WritePropertyName("input");
            WriteInput(json, messages);
            FunctionToolsWriter.Write(json, options, nested: false, strict: true);

            if (reasoningModel && (options.Temperature is not null || options.TopP is not null))
            {
                logger.LogDebug("OpenAI: {Model} is a reasoning model and rejects temperature/top_p; they were not sent.", model);
            }
            else
            {
                if (options.Temperature is { } temperature)
                {
                    json.WriteNumber("temperature", temperature);
                }

                if (options.TopP is { } topP)
                {
                    json.WriteNumber("top_p", topP);
                }
            }

            if ((options.MaxOutputTokens ?? family?.DefaultMaxOutput) is { } maxOutput and > 0)
            {
                json.WriteNumber("max_output_tokens", maxOutput);
            }

            if (options.StopSequences is { Count: > 0 })
            {
                logger.LogDebug("OpenAI: the Responses API has no stop sequences; {Count} were not sent.", options.StopSequences.Count);
            }

            // Known non-reasoning models reject `reasoning`; unknown models get it when the caller asks for it.
            if (reasoningModel || (family is null && options.Reasoning is not null))
            {
                WriteReasoning(json, model, options.Reasoning, reasoningSummary);
            }
            else if (options.Reasoning is not null)
            {
                logger.LogDebug("OpenAI: {Model} does not reason; the reasoning options were not sent.", model);
            }

            json.WriteBoolean("store", false);
            json.WriteBoolean("stream", stream);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>ChatOptions.Instructions followed by the text of every system message.</summary>
    public static string? Instructions(IEnumerable<ChatMessage> messages, ChatOptions options)
    {
        StringBuilder? text = null;
        if (!string.IsNullOrEmpty(options.Instructions))
        {
            text = new StringBuilder(options.Instructions);
        }

        foreach (var message in messages)
        {
            if (message.Role == ChatRole.System && message.Text is { Length: > 0 } system)
            {
                text = text is null ? new StringBuilder(system) : text.Append("\n\n").Append(system);
            }
        }

        return text?.ToString();
    }

    private static void WriteReasoning(Utf8JsonWriter json, string model, ReasoningOptions? reasoning, string? defaultSummary)
    {
        json.WriteStartObject("reasoning");
        var effort = OpenAIModels.Effort(model, reasoning?.Effort);
        if (effort is not null)
        {
            json.WriteString("effort", effort);
        }

        // Summaries are the only reasoning text OpenAI returns; "detailed" is the closest to "full".
        var summary = reasoning?.Effort == ReasoningEffort.None || defaultSummary is null or "none" ? null
            : reasoning?.Output switch
            {
                ReasoningOutput.None => null,
                ReasoningOutput.Full => "detailed",
                ReasoningOutput.Summary => "auto",
                _ => defaultSummary,
            };
        if (summary is not null)
        {
            json.WriteString("summary", summary);
        }

        json.WriteEndObject();
        json.WriteStartArray("include");
        json.WriteStringValue("reasoning.encrypted_content");
        json.WriteEndArray();
    }

    private static void WriteInput(Utf8JsonWriter json, IEnumerable<ChatMessage> messages)
    {
        json.WriteStartArray();
        foreach (var message in messages)
        {
            if (message.Role == ChatRole.System)
            {
                continue;
            }

            if (message.Role == ChatRole.Assistant)
            {
                WriteAssistant(json, message);
            }
            else
            {
                WriteUser(json, message);
            }
        }

        json.WriteEndArray();
    }

    /// <summary>User and tool messages: text and images as one user message; tool results as function_call_output items.</summary>
    private static void WriteUser(Utf8JsonWriter json, ChatMessage message)
    {
        var parts = new List<AIContent>();
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case FunctionResultContent result:
                    FlushUser(json, parts);
                    json.WriteStartObject();
                    json.WriteString("type", "function_call_output");
                    json.WriteString("call_id", result.CallId);
                    ToolResultText.Write(json, "output", result);
                    json.WriteEndObject();
                    break;
                case TextContent { Text.Length: > 0 }:
                case DataContent:
                case UriContent:
                    parts.Add(content);
                    break;
            }
        }

        FlushUser(json, parts);
    }

    private static void FlushUser(Utf8JsonWriter json, List<AIContent> parts)
    {
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
                WriteUserPart(json, part);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        parts.Clear();
    }

    private static void WriteUserPart(Utf8JsonWriter json, AIContent part)
    {
        json.WriteStartObject();
        switch (part)
        {
            case TextContent text:
                json.WriteString("type", "input_text");
                json.WriteString("text", text.Text);
                break;
            case DataContent data when Shared.InlineTextFile.Is(data):
                json.WriteString("type", "input_text");
                json.WriteString("text", Shared.InlineTextFile.Text(data));
                break;
            case DataContent data:
                json.WriteString("type", "input_image");
                json.WriteString("image_url", ImageUrl.Of(data));
                json.WriteString("detail", "auto");
                break;
            case UriContent uri:
                json.WriteString("type", "input_image");
                json.WriteString("image_url", ImageUrl.Of(uri));
                json.WriteString("detail", "auto");
                break;
        }

        json.WriteEndObject();
    }

    /// <summary>
    /// Assistant turns become output items in their original order: text as a message, reasoning as a reasoning item
    /// (with the summaries that preceded its encrypted content), tool calls as function_call items.
    /// </summary>
    private static void WriteAssistant(Utf8JsonWriter json, ChatMessage message)
    {
        var text = new List<string>();
        var summaries = new List<string>();
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent { Text.Length: > 0 } t:
                    text.Add(t.Text);
                    break;
                case TextReasoningContent { ProtectedData: { Length: > 0 } encrypted } reasoning:
                    FlushAssistantText(json, text);
                    WriteReasoningItem(json, reasoning, encrypted, summaries);
                    break;
                case TextReasoningContent { Text.Length: > 0 } summary:
                    summaries.Add(summary.Text);
                    break;
                case FunctionCallContent call:
                    FlushAssistantText(json, text);
                    WriteFunctionCall(json, call);
                    break;
                case FunctionResultContent result:
                    FlushAssistantText(json, text);
                    json.WriteStartObject();
                    json.WriteString("type", "function_call_output");
                    json.WriteString("call_id", result.CallId);
                    ToolResultText.Write(json, "output", result);
                    json.WriteEndObject();
                    break;
            }
        }

        FlushAssistantText(json, text);
    }

    private static void FlushAssistantText(Utf8JsonWriter json, List<string> text)
    {
        if (text.Count == 0)
        {
            return;
        }

        json.WriteStartObject();
        json.WriteString("role", "assistant");
        json.WriteStartArray("content");
        foreach (var t in text)
        {
            json.WriteStartObject();
            json.WriteString("type", "output_text");
            json.WriteString("text", t);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        text.Clear();
    }

    /// <summary>
    /// Only reasoning that OpenAI produced is replayed (its item id starts with <c>rs_</c>): another provider's
    /// signature in the same history would be rejected as encrypted content.
    /// </summary>
    private static void WriteReasoningItem(Utf8JsonWriter json, TextReasoningContent reasoning, string encrypted, List<string> summaries)
    {
        if (reasoning.AdditionalProperties?.TryGetValue(ItemIdKey, out var idValue) != true ||
            idValue?.ToString() is not { } id || !id.StartsWith("rs_", StringComparison.Ordinal))
        {
            summaries.Clear();
            return;
        }

        json.WriteStartObject();
        json.WriteString("type", "reasoning");
        json.WriteString("id", id);
        json.WriteStartArray("summary");
        // ToChatResponse merges the summary deltas into the content that holds the encrypted data; unmerged
        // histories keep them as separate contents before it.
        var summary = string.Concat(summaries) + reasoning.Text;
        if (summary.Length > 0)
        {
            json.WriteStartObject();
            json.WriteString("type", "summary_text");
            json.WriteString("text", summary);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteString("encrypted_content", encrypted);
        json.WriteEndObject();
        summaries.Clear();
    }

    private static void WriteFunctionCall(Utf8JsonWriter json, FunctionCallContent call)
    {
        json.WriteStartObject();
        json.WriteString("type", "function_call");
        json.WriteString("call_id", call.CallId);
        json.WriteString("name", call.Name);
        json.WriteString("arguments", ArgumentsJson(call.Arguments));
        json.WriteEndObject();
    }

    /// <summary>A call's arguments as the JSON text OpenAI sent them as (a string holding an object).</summary>
    public static ReadOnlySpan<byte> ArgumentsJson(IDictionary<string, object?>? arguments)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            ToolArguments.WriteObject(writer, arguments);
        }

        return buffer.WrittenSpan;
    }
}
