using System.Text;
using System.Text.Json;
using Maestro.Core.Errors;
using Maestro.Providers.Shared;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Gemini;

/// <summary>Writes <c>generationConfig</c>: output limits, sampling, stop sequences, thinking and response format for the model.</summary>
internal static class GeminiGenerationConfigWriter
{
    internal static void WriteGenerationConfig(Utf8JsonWriter writer, GeminiModel model, ChatOptions? options)
    {
        writer.WriteStartObject("generationConfig");
        if (options?.Temperature is { } temperature)
        {
            writer.WriteNumber("temperature", temperature);
        }

        if (options?.TopP is { } topP)
        {
            writer.WriteNumber("topP", topP);
        }

        if (options?.TopK is { } topK)
        {
            writer.WriteNumber("topK", topK);
        }

        writer.WriteNumber("maxOutputTokens", options?.MaxOutputTokens ?? model.DefaultMaxOutputTokens);
        if (options?.StopSequences is { Count: > 0 } stops)
        {
            writer.WriteStartArray("stopSequences");
            foreach (var stop in stops)
            {
                writer.WriteStringValue(stop);
            }

            writer.WriteEndArray();
        }

        if (options?.Seed is { } seed)
        {
            writer.WriteNumber("seed", seed);
        }

        if (options?.PresencePenalty is { } presence)
        {
            writer.WriteNumber("presencePenalty", presence);
        }

        if (options?.FrequencyPenalty is { } frequency)
        {
            writer.WriteNumber("frequencyPenalty", frequency);
        }

        if (options?.ResponseFormat is ChatResponseFormatJson json)
        {
            writer.WriteString("responseMimeType", "application/json");
            if (json.Schema is { ValueKind: JsonValueKind.Object } schema)
            {
                // responseJsonSchema takes standard JSON Schema, unlike function parameters.
                writer.WritePropertyName("responseJsonSchema");
                schema.WriteTo(writer);
            }
        }

        if (GeminiThinking.For(model, options?.Reasoning) is { } thinking)
        {
            writer.WriteStartObject("thinkingConfig");
            if (thinking.IncludeThoughts)
            {
                writer.WriteBoolean("includeThoughts", true);
            }

            if (thinking.Budget is { } budget)
            {
                writer.WriteNumber("thinkingBudget", budget);
            }

            if (thinking.Level is { } level)
            {
                writer.WriteString("thinkingLevel", level);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}
