using System.Text;
using System.Text.Json;
using Maestro.Core.Errors;
using Maestro.Providers.Shared;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Gemini;

/// <summary>Writes <c>tools</c> (function declarations, code execution, search) and <c>toolConfig</c> of a generateContent body.</summary>
internal static class GeminiToolsWriter
{
    /// <summary>Writes <c>tools</c>; returns true when function declarations were written (toolConfig applies only then).</summary>
    internal static bool WriteTools(Utf8JsonWriter writer, ChatOptions? options)
    {
        if (options?.Tools is not { Count: > 0 } tools)
        {
            return false;
        }

        var functions = false;
        var started = false;
        foreach (var tool in tools)
        {
            if (tool is not AIFunctionDeclaration function)
            {
                continue;
            }

            if (!functions)
            {
                Start();
                writer.WriteStartObject();
                writer.WriteStartArray("functionDeclarations");
                functions = true;
            }

            writer.WriteStartObject();
            writer.WriteString("name", function.Name);
            if (!string.IsNullOrEmpty(function.Description))
            {
                writer.WriteString("description", function.Description);
            }

            if (GeminiSchema.HasParameters(function.JsonSchema))
            {
                writer.WritePropertyName("parameters");
                GeminiSchema.Convert(function.JsonSchema).WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        if (functions)
        {
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        foreach (var tool in tools)
        {
            var name = tool switch
            {
                HostedCodeInterpreterTool => "codeExecution",
                HostedWebSearchTool => "googleSearch",
                _ => null,
            };
            if (name is not null)
            {
                Start();
                writer.WriteStartObject();
                writer.WriteStartObject(name);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
        }

        if (started)
        {
            writer.WriteEndArray();
        }

        return functions;

        void Start()
        {
            if (!started)
            {
                writer.WriteStartArray("tools");
                started = true;
            }
        }
    }

    internal static void WriteToolConfig(Utf8JsonWriter writer, ChatToolMode? mode)
    {
        var (value, only) = mode switch
        {
            null => (null, null),
            NoneChatToolMode => ("NONE", null),
            RequiredChatToolMode required => ("ANY", required.RequiredFunctionName),
            _ => ("AUTO", (string?)null),
        };
        if (value is null)
        {
            return;
        }

        writer.WriteStartObject("toolConfig");
        writer.WriteStartObject("functionCallingConfig");
        writer.WriteString("mode", value);
        if (only is not null)
        {
            writer.WriteStartArray("allowedFunctionNames");
            writer.WriteStringValue(only);
            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
