using System.Text.Json;
using Microsoft.Extensions.AI;
using static Maestro.Gateway.Inbound.JsonFields;

namespace Maestro.Gateway.Inbound;

/// <summary>
/// A Chat Completions request (<c>POST /v1/chat/completions</c>) in M.E.AI terms: system and developer messages as
/// instructions, text and image parts, assistant tool calls and <c>reasoning_content</c>, tool results, function tools,
/// tool choice, sampling, stop, <c>reasoning_effort</c>, response format and <c>stream_options.include_usage</c>.
/// </summary>
internal static class ChatCompletionsReader
{
    public static InboundRequest Read(JsonElement root)
    {
        RequiredString(root, "model", "");
        var messages = Array(root, "messages", "") ?? throw new ClientRequestException("messages", "Missing required parameter: 'messages'.");
        if (Int(root, "n", "") is { } n && n != 1)
        {
            throw new ClientRequestException("n", "Only n=1 is supported: Maestro's gateway returns one choice.");
        }

        var history = new List<ChatMessage>(messages.GetArrayLength());
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            history.Add(Message(message, Path("messages", index++)));
        }

        if (history.Count == 0)
        {
            throw new ClientRequestException("messages", "The conversation is empty: add at least one message.");
        }

        var options = new ChatOptions
        {
            Temperature = (float?)Number(root, "temperature", ""),
            TopP = (float?)Number(root, "top_p", ""),
            FrequencyPenalty = (float?)Number(root, "frequency_penalty", ""),
            PresencePenalty = (float?)Number(root, "presence_penalty", ""),
            Seed = Int(root, "seed", ""),
            MaxOutputTokens = Int(root, "max_completion_tokens", "") ?? Int(root, "max_tokens", ""),
            StopSequences = Strings(root, "stop", ""),
            AllowMultipleToolCalls = Bool(root, "parallel_tool_calls", ""),
        };
        if (options.MaxOutputTokens is <= 0)
        {
            throw new ClientRequestException(TryGet(root, "max_completion_tokens", out _) ? "max_completion_tokens" : "max_tokens", "Must be a positive number of tokens.");
        }

        if (String(root, "reasoning_effort", "") is { } effort)
        {
            options.Reasoning = new ReasoningOptions { Effort = ReasoningEfforts.Parse(effort, "reasoning_effort") };
        }

        Tools(root, options);
        options.ResponseFormat = ResponseFormat(Object(root, "response_format", ""), "response_format");
        if (Object(root, "audio", "") is not null || Array(root, "modalities", "") is { } modalities && modalities.EnumerateArray().Any(m => m.GetString() != "text"))
        {
            throw new ClientRequestException("modalities", "Audio output is not supported by Maestro's gateway; ask for text.");
        }

        var streamOptions = Object(root, "stream_options", "");
        return new InboundRequest
        {
            Messages = history,
            Options = options,
            IncludeUsage = streamOptions is { } so && Bool(so, "include_usage", "stream_options") == true,
        };
    }

    private static ChatMessage Message(JsonElement message, string path)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            throw Expected(path, "a message object", message);
        }

        var role = RequiredString(message, "role", path);
        switch (role)
        {
            case "system" or "developer":
                return new ChatMessage(ChatRole.System, Text(message, path));
            case "user":
                return new ChatMessage(ChatRole.User, UserContent(message, path));
            case "assistant":
                return Assistant(message, path);
            case "tool":
                var callId = RequiredString(message, "tool_call_id", path);
                return new ChatMessage(ChatRole.Tool, [InboundContent.ToolResult(callId, Text(message, path), isError: false)]);
            case "function":
                throw new ClientRequestException(Path(path, "role"), "The legacy 'function' role is not supported; send tool results with role 'tool'.");
            default:
                throw new ClientRequestException(Path(path, "role"), $"'{role}' is not a role; use system, developer, user, assistant or tool.");
        }
    }

    /// <summary>content as a string, or the text of its text parts.</summary>
    private static string Text(JsonElement message, string path)
    {
        if (!TryGet(message, "content", out var content))
        {
            return "";
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            throw Expected(Path(path, "content"), "a string or an array of content parts", content);
        }

        var text = new System.Text.StringBuilder();
        var index = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partPath = Path(Path(path, "content"), index++);
            var type = part.ValueKind == JsonValueKind.Object ? RequiredString(part, "type", partPath) : throw Expected(partPath, "a content part", part);
            if (type is "text" or "refusal")
            {
                text.Append(String(part, type, partPath));
            }
            else
            {
                throw new ClientRequestException(Path(partPath, "type"), $"A '{type}' part cannot appear here; only text parts can.");
            }
        }

        return text.ToString();
    }

    private static List<AIContent> UserContent(JsonElement message, string path)
    {
        if (!TryGet(message, "content", out var content))
        {
            throw new ClientRequestException(Path(path, "content"), "Field required.");
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return [new TextContent(content.GetString())];
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            throw Expected(Path(path, "content"), "a string or an array of content parts", content);
        }

        var parts = new List<AIContent>(content.GetArrayLength());
        var index = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partPath = Path(Path(path, "content"), index++);
            if (part.ValueKind != JsonValueKind.Object)
            {
                throw Expected(partPath, "a content part", part);
            }

            var type = RequiredString(part, "type", partPath);
            switch (type)
            {
                case "text":
                    parts.Add(new TextContent(RequiredString(part, "text", partPath)));
                    break;
                case "image_url":
                    var image = Object(part, "image_url", partPath) ?? throw new ClientRequestException(Path(partPath, "image_url"), "Field required.");
                    parts.Add(InboundContent.Image(RequiredString(image, "url", Path(partPath, "image_url")), Path(Path(partPath, "image_url"), "url")));
                    break;
                case "file":
                    var file = Object(part, "file", partPath) ?? throw new ClientRequestException(Path(partPath, "file"), "Field required.");
                    var data = String(file, "file_data", Path(partPath, "file"))
                        ?? throw new ClientRequestException(Path(Path(partPath, "file"), "file_data"), "Send the file inline as a data URL; uploaded file ids are not supported.");
                    var content1 = InboundContent.Image(data, Path(Path(partPath, "file"), "file_data"));
                    if (content1 is DataContent named)
                    {
                        named.Name = String(file, "filename", Path(partPath, "file"));
                    }

                    parts.Add(content1);
                    break;
                default:
                    throw JsonFields.Unsupported(Path(partPath, "type"), $"A '{type}' part", "text, image_url or file parts");
            }
        }

        return parts;
    }

    private static ChatMessage Assistant(JsonElement message, string path)
    {
        var contents = new List<AIContent>();
        if (String(message, "reasoning_content", path) is { Length: > 0 } reasoning)
        {
            contents.Add(new TextReasoningContent(reasoning));
        }

        if (Text(message, path) is { Length: > 0 } text)
        {
            contents.Add(new TextContent(text));
        }

        if (Array(message, "tool_calls", path) is { } calls)
        {
            var index = 0;
            foreach (var call in calls.EnumerateArray())
            {
                var callPath = Path(Path(path, "tool_calls"), index++);
                var function = Object(call, "function", callPath) ?? throw new ClientRequestException(Path(callPath, "function"), "Field required.");
                contents.Add(InboundContent.Call(
                    RequiredString(call, "id", callPath),
                    RequiredString(function, "name", Path(callPath, "function")),
                    String(function, "arguments", Path(callPath, "function"))));
            }
        }

        return new ChatMessage(ChatRole.Assistant, contents);
    }

    private static void Tools(JsonElement root, ChatOptions options)
    {
        if (Array(root, "tools", "") is { } tools)
        {
            var list = new List<AITool>(tools.GetArrayLength());
            var index = 0;
            foreach (var tool in tools.EnumerateArray())
            {
                var path = Path("tools", index++);
                var type = tool.ValueKind == JsonValueKind.Object ? String(tool, "type", path) ?? "function" : throw Expected(path, "a tool object", tool);
                if (type != "function")
                {
                    throw JsonFields.Unsupported(Path(path, "type"), $"A '{type}' tool", "function tools");
                }

                var function = Object(tool, "function", path) ?? throw new ClientRequestException(Path(path, "function"), "Field required.");
                var functionPath = Path(path, "function");
                list.Add(InboundContent.Tool(RequiredString(function, "name", functionPath), String(function, "description", functionPath), Object(function, "parameters", functionPath), functionPath));
            }

            options.Tools = list.Count > 0 ? list : null;
        }

        if (TryGet(root, "tool_choice", out var choice))
        {
            options.ToolMode = choice.ValueKind switch
            {
                JsonValueKind.String => InboundContent.ToolMode(choice.GetString(), null, "tool_choice"),
                JsonValueKind.Object => InboundContent.ToolMode(
                    String(choice, "type", "tool_choice") ?? "function",
                    Object(choice, "function", "tool_choice") is { } f ? String(f, "name", "tool_choice.function") : null,
                    "tool_choice"),
                _ => throw Expected("tool_choice", "a string or an object", choice),
            };
        }
    }

    /// <summary><c>response_format</c> (Chat Completions) and <c>text.format</c> (Responses): text, json_object or json_schema.</summary>
    public static ChatResponseFormat? ResponseFormat(JsonElement? format, string path)
    {
        if (format is not { } value)
        {
            return null;
        }

        var type = RequiredString(value, "type", path);
        switch (type)
        {
            case "text":
                return ChatResponseFormat.Text;
            case "json_object":
                return ChatResponseFormat.Json;
            case "json_schema":
                // Chat Completions nests the schema under json_schema; Responses puts it beside type.
                var holder = Object(value, "json_schema", path) ?? value;
                var schema = Object(holder, "schema", path) ?? throw new ClientRequestException(Path(path, "schema"), "Field required.");
                return ChatResponseFormat.ForJsonSchema(schema.Clone(), String(holder, "name", path), String(holder, "description", path));
            default:
                throw new ClientRequestException(Path(path, "type"), $"'{type}' is not a response format; use text, json_object or json_schema.");
        }
    }
}
