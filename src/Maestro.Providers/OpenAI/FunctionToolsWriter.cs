using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.OpenAI;

/// <summary>
/// The <c>tools</c>, <c>tool_choice</c> and <c>parallel_tool_calls</c> members that OpenAI's two APIs share. They differ
/// only in where a function's fields sit: flat in the Responses API, under a <c>function</c> object in Chat Completions.
/// </summary>
public static class FunctionToolsWriter
{
    /// <param name="nested">Chat Completions: name, description and parameters inside <c>"function": {…}</c>.</param>
    /// <param name="strict">Responses: <c>"strict": false</c>, so schemas that are not strict-mode compatible are accepted.</param>
    public static void Write(Utf8JsonWriter json, ChatOptions options, bool nested, bool strict)
    {
        var wroteTools = false;
        foreach (var tool in options.Tools ?? Array.Empty<AITool>())
        {
            if (tool is not AIFunctionDeclaration function)
            {
                continue;
            }

            if (!wroteTools)
            {
                json.WriteStartArray("tools");
                wroteTools = true;
            }

            json.WriteStartObject();
            json.WriteString("type", "function");
            StartFunction(json, nested);
            json.WriteString("name", function.Name);
            if (!string.IsNullOrEmpty(function.Description))
            {
                json.WriteString("description", function.Description);
            }

            json.WritePropertyName("parameters");
            function.JsonSchema.WriteTo(json);
            if (strict)
            {
                json.WriteBoolean("strict", false);
            }

            EndFunction(json, nested);
            json.WriteEndObject();
        }

        if (!wroteTools)
        {
            return;
        }

        json.WriteEndArray();
        switch (options.ToolMode)
        {
            case NoneChatToolMode:
                json.WriteString("tool_choice", "none");
                break;
            case AutoChatToolMode:
                json.WriteString("tool_choice", "auto");
                break;
            case RequiredChatToolMode { RequiredFunctionName: { } name }:
                json.WriteStartObject("tool_choice");
                json.WriteString("type", "function");
                StartFunction(json, nested);
                json.WriteString("name", name);
                EndFunction(json, nested);
                json.WriteEndObject();
                break;
            case RequiredChatToolMode:
                json.WriteString("tool_choice", "required");
                break;
        }

        if (options.AllowMultipleToolCalls is { } parallel)
        {
            json.WriteBoolean("parallel_tool_calls", parallel);
        }
    }

    private static void StartFunction(Utf8JsonWriter json, bool nested)
    {
        if (nested)
        {
            json.WriteStartObject("function");
        }
    }

    private static void EndFunction(Utf8JsonWriter json, bool nested)
    {
        if (nested)
        {
            json.WriteEndObject();
        }
    }
}
