using System.Text.Json;
using Maestro.Core.Errors;
using Maestro.Core.Text;
using Maestro.Providers.Shared;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Anthropic;

/// <summary>One serialized Messages API request and the model it names.</summary>
internal readonly record struct AnthropicRequest(string Model, ReadOnlyMemory<byte> Body);

/// <summary>
/// ChatMessages + ChatOptions → the Messages API request body, written with Utf8JsonWriter. Validates first, so an
/// invalid request never reaches the provider.
/// </summary>
internal static class AnthropicRequestWriter
{
    public static AnthropicRequest Write(IEnumerable<ChatMessage> messages, ChatOptions? options, bool stream)
    {
        var model = options?.ModelId;
        if (string.IsNullOrWhiteSpace(model))
        {
            throw new ValidationFailedException("model", "Choose a model: Anthropic needs a model id for every request.");
        }

        var history = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var system = SystemParts(options, history);
        var groups = AnthropicMessageGroups.Build(history);
        if (groups.Count == 0)
        {
            throw new ValidationFailedException("messages", "The conversation is empty: add at least one user message.");
        }

        var tools = options?.Tools is { Count: > 0 } declared ? declared : null;
        if (tools is not null)
        {
            AnthropicToolWriter.Validate(tools);
        }

        var maxTokens = options?.MaxOutputTokens ?? AnthropicModels.DefaultMaxTokens(model);
        if (maxTokens <= 0)
        {
            throw new ValidationFailedException("max_output_tokens", "max_output_tokens must be a positive number of tokens.");
        }

        var thinking = AnthropicThinking.Resolve(model, options?.Reasoning, maxTokens);
        using var buffer = new PooledBufferWriter();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model", model);
            writer.WriteNumber("max_tokens", maxTokens);
            WriteSystem(writer, system);
            writer.WritePropertyName("messages");
            writer.WriteStartArray();
            foreach (var group in groups)
            {
                AnthropicMessageWriter.Write(writer, history, group);
            }

            writer.WriteEndArray();
            WriteSampling(writer, options, thinking is not null);
            if (tools is not null)
            {
                AnthropicToolWriter.Write(writer, tools, options!);
            }

            WriteThinking(writer, thinking);
            if (stream)
            {
                writer.WriteBoolean("stream", true);
            }

            writer.WriteEndObject();
        }

        return new AnthropicRequest(model, buffer.ToArray());
    }

    /// <summary>Instructions first, then the text of any system messages in the history, in order.</summary>
    private static List<string> SystemParts(ChatOptions? options, IReadOnlyList<ChatMessage> history)
    {
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(options?.Instructions))
        {
            parts.Add(options.Instructions);
        }

        foreach (var message in history)
        {
            if (message.Role == ChatRole.System && message.Text is { Length: > 0 } text && !string.IsNullOrWhiteSpace(text))
            {
                parts.Add(text);
            }
        }

        return parts;
    }

    /// <summary>One part as a plain string; several as text blocks, so their boundaries survive.</summary>
    private static void WriteSystem(Utf8JsonWriter writer, List<string> parts)
    {
        if (parts.Count == 1)
        {
            writer.WriteString("system", parts[0]);
        }
        else if (parts.Count > 1)
        {
            writer.WritePropertyName("system");
            writer.WriteStartArray();
            foreach (var part in parts)
            {
                writer.WriteStartObject();
                writer.WriteString("type", "text");
                writer.WriteString("text", part);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }
    }

    /// <summary>The API refuses temperature and top_k while thinking, so they are left out then.</summary>
    private static void WriteSampling(Utf8JsonWriter writer, ChatOptions? options, bool thinking)
    {
        if (options is null)
        {
            return;
        }

        if (options.Temperature is { } temperature && !thinking)
        {
            writer.WriteNumber("temperature", temperature);
        }

        if (options.TopP is { } topP)
        {
            writer.WriteNumber("top_p", topP);
        }

        if (options.TopK is { } topK && !thinking)
        {
            writer.WriteNumber("top_k", topK);
        }

        if (options.StopSequences is { Count: > 0 } stops)
        {
            writer.WritePropertyName("stop_sequences");
            writer.WriteStartArray();
            foreach (var stop in stops)
            {
                writer.WriteStringValue(stop);
            }

            writer.WriteEndArray();
        }
    }

    private static void WriteThinking(Utf8JsonWriter writer, AnthropicThinking? thinking)
    {
        if (thinking is not { } t)
        {
            return;
        }

        writer.WritePropertyName("thinking");
        writer.WriteStartObject();
        if (t.Style == AnthropicThinkingStyle.Adaptive)
        {
            writer.WriteString("type", "adaptive");
            writer.WriteEndObject();
            writer.WritePropertyName("output_config");
            writer.WriteStartObject();
            writer.WriteString("effort", t.Effort);
            writer.WriteEndObject();
            return;
        }

        writer.WriteString("type", "enabled");
        writer.WriteNumber("budget_tokens", t.BudgetTokens);
        writer.WriteEndObject();
    }
}
