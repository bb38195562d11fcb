using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Maestro.Providers.OpenAI.ChatGpt;

/// <summary>
/// The Responses request the ChatGPT backend accepts, written by <see cref="OpenAIRequestWriter"/> from a reshaped copy
/// of the caller's options. The backend differs from the public API in a few fields: <c>instructions</c> is required,
/// only <c>stream: true</c> and <c>store: false</c> are served, and <c>max_output_tokens</c>, <c>temperature</c> and
/// <c>top_p</c> are refused ("Unsupported parameter"), so they are left out (logged at debug level) rather than failing a
/// turn that works with every other auth.
/// </summary>
public static class ChatGptRequestBody
{
    /// <summary>
    /// Sent when the conversation has no system prompt, because the backend requires instructions. Deliberately plain:
    /// Maestro never presents itself as another product.
    /// </summary>
    public const string DefaultInstructions = "You are a helpful assistant.";

    /// <summary>Fields the backend refuses; dropped from what the shared writer produces.</summary>
    private static readonly string[] Refused = ["max_output_tokens", "temperature", "top_p"];

    public static byte[] Write(IList<ChatMessage> history, ChatOptions options, ILogger logger, string? reasoningSummary)
    {
        var shaped = options.Clone();
        if (string.IsNullOrEmpty(OpenAIRequestWriter.Instructions(history, options)))
        {
            shaped.Instructions = DefaultInstructions;
        }

        if (options.MaxOutputTokens is not null || options.Temperature is not null || options.TopP is not null)
        {
            logger.LogDebug("ChatGPT backend: max_output_tokens, temperature and top_p are not accepted there and were not sent.");
        }

        // Every model the backend serves reasons; asking for reasoning also asks for its encrypted content, which is
        // how reasoning survives between turns when nothing is stored (store: false).
        shaped.Reasoning ??= new ReasoningOptions();
        var body = OpenAIRequestWriter.Write(history, shaped, stream: true, logger, reasoningSummary);
        return Without(body, Refused);
    }

    /// <summary>The same JSON object without the named top-level properties.</summary>
    private static byte[] Without(byte[] body, string[] names)
    {
        using var document = JsonDocument.Parse(body);
        var buffer = new ArrayBufferWriter<byte>(body.Length);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (Array.IndexOf(names, property.Name) < 0)
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
