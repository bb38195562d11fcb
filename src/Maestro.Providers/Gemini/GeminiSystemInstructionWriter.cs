using System.Text;
using System.Text.Json;
using Maestro.Core.Errors;
using Maestro.Providers.Shared;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Gemini;

/// <summary>Writes <c>systemInstruction</c>: the instructions and every system message, in order.</summary>
internal static class GeminiSystemInstructionWriter
{
    internal static void WriteSystemInstruction(Utf8JsonWriter writer, IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        var started = false;
        if (!string.IsNullOrEmpty(options?.Instructions))
        {
            Part(options.Instructions);
        }

        foreach (var message in messages)
        {
            if (message.Role != ChatRole.System)
            {
                continue;
            }

            foreach (var content in message.Contents)
            {
                if (content is TextContent { Text.Length: > 0 } text)
                {
                    Part(text.Text);
                }
            }
        }

        if (started)
        {
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        void Part(string text)
        {
            if (!started)
            {
                writer.WriteStartObject("systemInstruction");
                writer.WriteStartArray("parts");
                started = true;
            }

            writer.WriteStartObject();
            writer.WriteString("text", text);
            writer.WriteEndObject();
        }
    }
}
