using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Gateway.Translation;
using Microsoft.Extensions.AI;
using static Maestro.Gateway.Inbound.JsonFields;

namespace Maestro.Gateway.Inbound;

/// <summary>
/// A Responses request (<c>POST /v1/responses</c>) in M.E.AI terms, statelessly: the whole conversation comes in
/// <c>input</c> (messages, function calls and their outputs, reasoning items with their encrypted content), with
/// instructions, function tools, tool choice, sampling, <c>reasoning</c>, <c>text.format</c> and <c>include</c>.
/// </summary>
internal static class ResponsesReader
{
    public const string EncryptedReasoning = "reasoning.encrypted_content";

    public static InboundRequest Read(JsonElement root)
    {
        RequiredString(root, "model", "");
        if (String(root, "previous_response_id", "") is not null)
        {
            throw new ClientRequestException("previous_response_id",
                "Maestro's gateway keeps no responses: send the whole conversation in input (as with store: false).");
        }

        if (Object(root, "conversation", "") is not null || String(root, "conversation", "") is not null)
        {
            throw new ClientRequestException("conversation", "Maestro's gateway keeps no conversations: send the whole conversation in input.");
        }

        if (Bool(root, "background", "") == true)
        {
            throw new ClientRequestException("background", "Background responses are not supported; stream the response instead.");
        }

        var history = Input(root);
        var options = new ChatOptions
        {
            Instructions = String(root, "instructions", ""),
            Temperature = (float?)Number(root, "temperature", ""),
            TopP = (float?)Number(root, "top_p", ""),
            MaxOutputTokens = Int(root, "max_output_tokens", ""),
            AllowMultipleToolCalls = Bool(root, "parallel_tool_calls", ""),
        };
        if (options.MaxOutputTokens is <= 0)
        {
            throw new ClientRequestException("max_output_tokens", "Must be a positive number of tokens.");
        }

        if (Object(root, "reasoning", "") is { } reasoning)
        {
            options.Reasoning = new ReasoningOptions
            {
                Effort = ReasoningEfforts.Parse(String(reasoning, "effort", "reasoning"), "reasoning.effort"),
                Output = String(reasoning, "summary", "reasoning") switch
                {
                    null => null,
                    "auto" or "concise" => ReasoningOutput.Summary,
                    "detailed" => ReasoningOutput.Full,
                    "none" => ReasoningOutput.None,
                    var other => throw new ClientRequestException("reasoning.summary", $"'{other}' is not a summary setting; use auto, concise, detailed or none."),
                },
            };
        }

        Tools(root, options);
        if (Object(root, "text", "") is { } text)
        {
            options.ResponseFormat = ChatCompletionsReader.ResponseFormat(Object(text, "format", "text"), "text.format");
        }

        var include = Strings(root, "include", "");
        return new InboundRequest
        {
            Messages = history,
            Options = options,
            IncludeReasoningData = include?.Contains(EncryptedReasoning) == true,
        };
    }

    private static List<ChatMessage> Input(JsonElement root)
    {
        if (!TryGet(root, "input", out var input))
        {
            throw new ClientRequestException("input", "Missing required parameter: 'input'.");
        }

        if (input.ValueKind == JsonValueKind.String)
        {
            return [new ChatMessage(ChatRole.User, input.GetString())];
        }

        if (input.ValueKind != JsonValueKind.Array)
        {
            throw Expected("input", "a string or an array of input items", input);
        }

        var history = new List<ChatMessage>();
        var index = 0;
        foreach (var item in input.EnumerateArray())
        {
            var path = Path("input", index++);
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw Expected(path, "an input item", item);
            }

            var type = String(item, "type", path) ?? "message";
            switch (type)
            {
                case "message":
                    Add(history, Message(item, path));
                    break;
                case "function_call":
                    var call = InboundContent.Call(RequiredString(item, "call_id", path), RequiredString(item, "name", path), String(item, "arguments", path));
                    if (String(item, "id", path) is { } itemId)
                    {
                        call.AdditionalProperties = new() { [ReasoningOrigin.ItemIdKey] = itemId };
                    }

                    Add(history, new ChatMessage(ChatRole.Assistant, [call]));
                    break;
                case "function_call_output":
                    Add(history, new ChatMessage(ChatRole.Tool, [InboundContent.ToolResult(RequiredString(item, "call_id", path), Output(item, path), isError: false)]));
                    break;
                case "reasoning":
                    Add(history, new ChatMessage(ChatRole.Assistant, [Reasoning(item, path)]));
                    break;
                case "item_reference":
                    throw new ClientRequestException(Path(path, "type"), "Maestro's gateway keeps no items to refer to: send the item itself.");
                default:
                    throw JsonFields.Unsupported(Path(path, "type"), $"An input item of type '{type}'", "message, function_call, function_call_output or reasoning items");
            }
        }

        if (history.Count == 0)
        {
            throw new ClientRequestException("input", "The conversation is empty: add at least one message.");
        }

        return history;
    }

    /// <summary>Consecutive items of one role form one message (an assistant turn is reasoning, text and calls together).</summary>
    private static void Add(List<ChatMessage> history, ChatMessage message)
    {
        if (history.Count > 0 && history[^1].Role == message.Role && message.Role != ChatRole.System && message.Role != ChatRole.User)
        {
            foreach (var content in message.Contents)
            {
                history[^1].Contents.Add(content);
            }

            return;
        }

        history.Add(message);
    }

    private static ChatMessage Message(JsonElement item, string path)
    {
        var role = RequiredString(item, "role", path);
        var chatRole = role switch
        {
            "user" => ChatRole.User,
            "assistant" => ChatRole.Assistant,
            "system" or "developer" => ChatRole.System,
            _ => throw new ClientRequestException(Path(path, "role"), $"'{role}' is not a role; use user, assistant, system or developer."),
        };
        if (!TryGet(item, "content", out var content))
        {
            throw new ClientRequestException(Path(path, "content"), "Field required.");
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return new ChatMessage(chatRole, content.GetString());
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            throw Expected(Path(path, "content"), "a string or an array of content parts", content);
        }

        var parts = new List<AIContent>();
        var index = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partPath = Path(Path(path, "content"), index++);
            var type = part.ValueKind == JsonValueKind.Object ? RequiredString(part, "type", partPath) : throw Expected(partPath, "a content part", part);
            switch (type)
            {
                case "input_text" or "output_text" or "text":
                    parts.Add(new TextContent(RequiredString(part, "text", partPath)));
                    break;
                case "refusal":
                    parts.Add(new TextContent(RequiredString(part, "refusal", partPath)));
                    break;
                case "input_image":
                    var url = String(part, "image_url", partPath)
                        ?? throw new ClientRequestException(Path(partPath, "image_url"), "Send the image inline (a data URL) or as an http(s) URL; uploaded file ids are not supported.");
                    parts.Add(InboundContent.Image(url, Path(partPath, "image_url")));
                    break;
                case "input_file":
                    var data = String(part, "file_data", partPath)
                        ?? throw new ClientRequestException(Path(partPath, "file_data"), "Send the file inline as a data URL; uploaded file ids are not supported.");
                    var file = InboundContent.Image(data, Path(partPath, "file_data"));
                    if (file is DataContent named)
                    {
                        named.Name = String(part, "filename", partPath);
                    }

                    parts.Add(file);
                    break;
                default:
                    throw JsonFields.Unsupported(Path(partPath, "type"), $"A '{type}' part", "input_text, input_image, input_file or output_text parts");
            }
        }

        return new ChatMessage(chatRole, parts);
    }

    /// <summary>A function's output: a string, or an array of input_text/input_image parts.</summary>
    private static object Output(JsonElement item, string path)
    {
        if (!TryGet(item, "output", out var output))
        {
            throw new ClientRequestException(Path(path, "output"), "Field required.");
        }

        if (output.ValueKind == JsonValueKind.String)
        {
            return output.GetString()!;
        }

        if (output.ValueKind != JsonValueKind.Array)
        {
            throw Expected(Path(path, "output"), "a string or an array of content parts", output);
        }

        var parts = new List<AIContent>();
        var index = 0;
        foreach (var part in output.EnumerateArray())
        {
            var partPath = Path(Path(path, "output"), index++);
            var type = part.ValueKind == JsonValueKind.Object ? RequiredString(part, "type", partPath) : throw Expected(partPath, "a content part", part);
            parts.Add(type switch
            {
                "input_text" or "output_text" => new TextContent(RequiredString(part, "text", partPath)),
                "input_image" => InboundContent.Image(RequiredString(part, "image_url", partPath), Path(partPath, "image_url")),
                _ => throw JsonFields.Unsupported(Path(partPath, "type"), $"A '{type}' part", "input_text or input_image parts"),
            });
        }

        return parts;
    }

    private static TextReasoningContent Reasoning(JsonElement item, string path)
    {
        var text = new System.Text.StringBuilder();
        if (Array(item, "summary", path) is { } summary)
        {
            foreach (var part in summary.EnumerateArray())
            {
                if (part.ValueKind == JsonValueKind.Object && String(part, "text", Path(path, "summary")) is { } piece)
                {
                    text.Append(piece);
                }
            }
        }

        var reasoning = new TextReasoningContent(text.ToString());
        var id = String(item, "id", path);
        if (String(item, "encrypted_content", path) is { Length: > 0 } encrypted)
        {
            var (data, origin, wrappedId) = ReasoningOrigin.Unwrap(encrypted, WireApi.Responses);
            reasoning.ProtectedData = data;
            reasoning.AdditionalProperties = new() { [ReasoningOrigin.Key] = origin };
            var itemId = origin == ReasoningOrigin.Native(WireApi.Responses) ? id : wrappedId;
            if (itemId is not null)
            {
                reasoning.AdditionalProperties[ReasoningOrigin.ItemIdKey] = itemId;
            }
        }

        return reasoning;
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
                var type = tool.ValueKind == JsonValueKind.Object ? RequiredString(tool, "type", path) : throw Expected(path, "a tool object", tool);
                if (type != "function")
                {
                    throw JsonFields.Unsupported(Path(path, "type"), $"A '{type}' tool", "function tools (hosted tools belong to OpenAI's own service)");
                }

                list.Add(InboundContent.Tool(RequiredString(tool, "name", path), String(tool, "description", path), Object(tool, "parameters", path), path));
            }

            options.Tools = list.Count > 0 ? list : null;
        }

        if (TryGet(root, "tool_choice", out var choice))
        {
            options.ToolMode = choice.ValueKind switch
            {
                JsonValueKind.String => InboundContent.ToolMode(choice.GetString(), null, "tool_choice"),
                JsonValueKind.Object => InboundContent.ToolMode(String(choice, "type", "tool_choice") ?? "function", String(choice, "name", "tool_choice"), "tool_choice"),
                _ => throw Expected("tool_choice", "a string or an object", choice),
            };
        }
    }
}
