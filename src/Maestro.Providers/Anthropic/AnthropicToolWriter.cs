using System.Text.Json;
using Maestro.Core.Errors;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Anthropic;

/// <summary>Writes <c>tools</c> (function declarations with their input_schema) and <c>tool_choice</c>.</summary>
internal static class AnthropicToolWriter
{
    public static void Validate(IList<AITool> tools)
    {
        foreach (var tool in tools)
        {
            switch (tool)
            {
                case AIFunctionDeclaration function:
                    var schema = function.JsonSchema;
                    if (schema.ValueKind != JsonValueKind.Object ||
                        (schema.TryGetProperty("type", out var type) && !(type.ValueKind == JsonValueKind.String && type.ValueEquals("object"))))
                    {
                        throw new ValidationFailedException(
                            "tools", $"Tool '{function.Name}' has an input schema that is not a JSON object schema; Anthropic needs {{\"type\": \"object\", ...}}.");
                    }

                    break;
                case HostedWebSearchTool:
                    break;
                default:
                    throw new ValidationFailedException("tools", $"Tool '{tool.Name}' ({tool.GetType().Name}) is not supported by Anthropic.");
            }
        }
    }

    public static void Write(Utf8JsonWriter writer, IList<AITool> tools, ChatOptions options)
    {
        writer.WritePropertyName("tools");
        writer.WriteStartArray();
        foreach (var tool in tools)
        {
            writer.WriteStartObject();
            if (tool is AIFunctionDeclaration function)
            {
                writer.WriteString("name", function.Name);
                if (!string.IsNullOrEmpty(function.Description))
                {
                    writer.WriteString("description", function.Description);
                }

                writer.WritePropertyName("input_schema");
                WriteSchema(writer, function.JsonSchema);
            }
            else
            {
                // Anthropic's server-side web search; it runs on Anthropic's side and needs no result from us.
                writer.WriteString("type", "web_search_20250305");
                writer.WriteString("name", "web_search");
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        WriteChoice(writer, options);
    }

    /// <summary>The schema as given; <c>"type": "object"</c> is added when the schema leaves it implicit.</summary>
    private static void WriteSchema(Utf8JsonWriter writer, JsonElement schema)
    {
        if (schema.TryGetProperty("type", out _))
        {
            schema.WriteTo(writer);
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("type", "object");
        foreach (var property in schema.EnumerateObject())
        {
            property.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    private static void WriteChoice(Utf8JsonWriter writer, ChatOptions options)
    {
        var single = options.AllowMultipleToolCalls == false;
        var type = options.ToolMode switch
        {
            NoneChatToolMode => "none",
            RequiredChatToolMode { RequiredFunctionName: not null } => "tool",
            RequiredChatToolMode => "any",
            AutoChatToolMode => "auto",
            _ => single ? "auto" : null,
        };
        if (type is null)
        {
            return;
        }

        writer.WritePropertyName("tool_choice");
        writer.WriteStartObject();
        writer.WriteString("type", type);
        if (options.ToolMode is RequiredChatToolMode { RequiredFunctionName: { } name })
        {
            writer.WriteString("name", name);
        }

        if (single && type != "none")
        {
            writer.WriteBoolean("disable_parallel_tool_use", true);
        }

        writer.WriteEndObject();
    }
}
