using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Gateway.Translation;
using Microsoft.Extensions.AI;
using static Maestro.Gateway.Inbound.JsonFields;

namespace Maestro.Gateway.Inbound;

/// <summary>
/// A Messages request (<c>POST /v1/messages</c>) in M.E.AI terms: system, text, image and document blocks, tool_use and
/// tool_result, thinking and redacted_thinking (signatures kept for their maker), tools and tool choice, stop
/// sequences, <c>thinking</c> and <c>output_config.effort</c>. The API version decides what is allowed: 2026-10-21 refuses
/// temperature, top_p and top_k, documents in assistant turns and citations on user text, as Anthropic does.
/// </summary>
internal static class MessagesReader
{
    /// <summary>The version the newest official SDKs send.</summary>
    public const string Version20261021 = "2026-10-21";

    public const string Version20230601 = "2023-06-01";

    /// <summary>Content blocks and tools that only Anthropic itself can run (server tools, search results, containers).</summary>
    private static readonly string[] AnthropicOnly =
    [
        "server_tool_use", "web_search_tool_result", "web_fetch_tool_result", "code_execution_tool_result",
        "bash_code_execution_tool_result", "text_editor_code_execution_tool_result", "mcp_tool_use", "mcp_tool_result",
        "container_upload", "search_result", "tool_search_tool_result",
    ];

    public static InboundRequest Read(JsonElement root, string? version)
    {
        var strict = IsAtLeast20261021(version);
        RequiredString(root, "model", "");
        var maxTokens = Int(root, "max_tokens", "") ?? throw new ClientRequestException("max_tokens", "Field required");
        if (maxTokens <= 0)
        {
            throw new ClientRequestException("max_tokens", "Must be a positive number of tokens.");
        }

        if (strict)
        {
            foreach (var removed in (string[])["temperature", "top_p", "top_k"])
            {
                if (root.TryGetProperty(removed, out _))
                {
                    throw new ClientRequestException(removed, "Extra inputs are not permitted");
                }
            }
        }

        if (Array(root, "mcp_servers", "") is { } servers && servers.GetArrayLength() > 0)
        {
            throw new ClientRequestException("mcp_servers", "MCP servers run at Anthropic's end: route this request to an Anthropic auth.");
        }

        var messages = Array(root, "messages", "") ?? throw new ClientRequestException("messages", "Field required");
        var history = new List<ChatMessage>(messages.GetArrayLength() + 1);
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            Message(history, message, Path("messages", index++), strict);
        }

        if (history.Count == 0)
        {
            throw new ClientRequestException("messages", "The conversation is empty: add at least one user message.");
        }

        var options = new ChatOptions
        {
            Instructions = SystemPrompt(root),
            MaxOutputTokens = maxTokens,
            Temperature = (float?)Number(root, "temperature", ""),
            TopP = (float?)Number(root, "top_p", ""),
            TopK = Int(root, "top_k", ""),
            StopSequences = Strings(root, "stop_sequences", ""),
            Reasoning = Reasoning(root),
        };
        Tools(root, options);
        return new InboundRequest
        {
            Messages = history,
            Options = options,
            ApiVersion = version,
            ShowReasoning = options.Reasoning is { Effort: not ReasoningEffort.None },
        };
    }

    public static bool IsAtLeast20261021(string? version) =>
        version is not null && string.CompareOrdinal(version, Version20261021) >= 0;

    private static string? SystemPrompt(JsonElement root) => TryGet(root, "system", out _) ? SystemText(root, "", "system") : null;

    /// <summary>A system prompt (or system message content): a string, or text blocks joined by blank lines.</summary>
    private static string SystemText(JsonElement holder, string path, string field = "content")
    {
        if (!TryGet(holder, field, out var system))
        {
            throw new ClientRequestException(Path(path, field), "Field required");
        }

        if (system.ValueKind == JsonValueKind.String)
        {
            return system.GetString()!;
        }

        if (system.ValueKind != JsonValueKind.Array)
        {
            throw Expected(Path(path, field), "a string or an array of text blocks", system);
        }

        var parts = new List<string>();
        var index = 0;
        foreach (var block in system.EnumerateArray())
        {
            var blockPath = Path(Path(path, field), index++);
            var type = block.ValueKind == JsonValueKind.Object ? RequiredString(block, "type", blockPath) : throw Expected(blockPath, "a text block", block);
            parts.Add(type == "text" ? RequiredString(block, "text", blockPath) : throw new ClientRequestException(Path(blockPath, "type"), "System blocks must be text blocks."));
        }

        return string.Join("\n\n", parts);
    }

    private static void Message(List<ChatMessage> history, JsonElement message, string path, bool strict)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            throw Expected(path, "a message object", message);
        }

        var role = RequiredString(message, "role", path);
        if (role == "system")
        {
            // 2026-10-21 takes system messages among the others; their text joins the instructions where they stand.
            history.Add(new ChatMessage(ChatRole.System, SystemText(message, path)));
            return;
        }

        var assistant = role switch
        {
            "user" => false,
            "assistant" => true,
            _ => throw new ClientRequestException(Path(path, "role"), $"Input should be 'user', 'assistant' or 'system', not '{role}'."),
        };
        if (!TryGet(message, "content", out var content))
        {
            throw new ClientRequestException(Path(path, "content"), "Field required");
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            history.Add(new ChatMessage(assistant ? ChatRole.Assistant : ChatRole.User, content.GetString()));
            return;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            throw Expected(Path(path, "content"), "a string or an array of content blocks", content);
        }

        var contents = new List<AIContent>(content.GetArrayLength());
        var results = new List<AIContent>();
        var index = 0;
        foreach (var block in content.EnumerateArray())
        {
            var blockPath = Path(Path(path, "content"), index++);
            if (block.ValueKind != JsonValueKind.Object)
            {
                throw Expected(blockPath, "a content block", block);
            }

            var type = RequiredString(block, "type", blockPath);
            if (type == "tool_result")
            {
                results.Add(ToolResult(block, blockPath));
            }
            else
            {
                contents.Add(Block(block, type, blockPath, assistant, strict));
            }
        }

        // Tool results travel as a tool message; any other blocks of the same user turn follow as a user message.
        if (results.Count > 0)
        {
            history.Add(new ChatMessage(ChatRole.Tool, results));
            if (contents.Count == 0)
            {
                return;
            }
        }

        history.Add(new ChatMessage(assistant ? ChatRole.Assistant : ChatRole.User, contents));
    }

    private static AIContent Block(JsonElement block, string type, string path, bool assistant, bool strict)
    {
        switch (type)
        {
            case "text":
                if (strict && !assistant && Array(block, "citations", path) is { } citations && citations.GetArrayLength() > 0)
                {
                    throw new ClientRequestException(Path(path, "citations"), "Citations are not allowed on text blocks in user messages.");
                }

                return new TextContent(RequiredString(block, "text", path));
            case "image":
                return Source(block, path, document: false);
            case "document":
                if (strict && assistant)
                {
                    throw new ClientRequestException(Path(path, "type"), "Document blocks are not allowed in assistant messages.");
                }

                return Source(block, path, document: true);
            case "tool_use" when assistant:
                return new FunctionCallContent(RequiredString(block, "id", path), RequiredString(block, "name", path),
                    Object(block, "input", path) is { } input ? InboundContent.Arguments(input) : []);
            case "thinking" when assistant:
                return Thinking(RequiredString(block, "thinking", path), String(block, "signature", path), redacted: false);
            case "redacted_thinking" when assistant:
                return Thinking("", RequiredString(block, "data", path), redacted: true);
            case "tool_use" or "thinking" or "redacted_thinking":
                throw new ClientRequestException(Path(path, "type"), $"A {type} block can only appear in an assistant message.");
            default:
                if (System.Array.IndexOf(AnthropicOnly, type) >= 0)
                {
                    throw new ClientRequestException(Path(path, "type"), $"{type} blocks come from Anthropic's server tools: route this conversation to an Anthropic auth.");
                }

                throw JsonFields.Unsupported(Path(path, "type"), $"A '{type}' block", "text, image, document, tool_use, tool_result, thinking or redacted_thinking blocks");
        }
    }

    /// <summary>A thinking block: its text and, tagged with its maker, its signature (or a redacted block's data).</summary>
    private static TextReasoningContent Thinking(string text, string? signature, bool redacted)
    {
        var reasoning = new TextReasoningContent(text);
        if (signature is { Length: > 0 })
        {
            var (data, origin, itemId) = ReasoningOrigin.Unwrap(signature, WireApi.Messages);
            reasoning.ProtectedData = data;
            reasoning.AdditionalProperties = new() { [ReasoningOrigin.Key] = origin };
            if (itemId is not null)
            {
                reasoning.AdditionalProperties[ReasoningOrigin.ItemIdKey] = itemId;
            }

            if (redacted)
            {
                reasoning.AdditionalProperties["redacted"] = true;
            }
        }

        return reasoning;
    }

    private static AIContent Source(JsonElement block, string path, bool document)
    {
        var source = Object(block, "source", path) ?? throw new ClientRequestException(Path(path, "source"), "Field required");
        var sourcePath = Path(path, "source");
        var type = RequiredString(source, "type", sourcePath);
        AIContent content = type switch
        {
            "base64" => InboundContent.Data(RequiredString(source, "data", sourcePath), RequiredString(source, "media_type", sourcePath), Path(sourcePath, "data")),
            "url" => document
                ? new UriContent(new Uri(RequiredString(source, "url", sourcePath)), "application/pdf")
                : InboundContent.Image(RequiredString(source, "url", sourcePath), Path(sourcePath, "url")),
            "text" when document => new DataContent(System.Text.Encoding.UTF8.GetBytes(RequiredString(source, "data", sourcePath)), "text/plain"),
            _ => throw JsonFields.Unsupported(Path(sourcePath, "type"), $"A '{type}' source", document ? "base64, text or url sources" : "base64 or url sources"),
        };
        if (document && content is DataContent data && String(block, "title", path) is { } title)
        {
            data.Name = title;
        }

        return content;
    }

    private static FunctionResultContent ToolResult(JsonElement block, string path)
    {
        var callId = RequiredString(block, "tool_use_id", path);
        var isError = Bool(block, "is_error", path) == true;
        if (!TryGet(block, "content", out var content))
        {
            return InboundContent.ToolResult(callId, "", isError);
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return InboundContent.ToolResult(callId, content.GetString(), isError);
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            throw Expected(Path(path, "content"), "a string or an array of content blocks", content);
        }

        var parts = new List<AIContent>();
        var index = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partPath = Path(Path(path, "content"), index++);
            var type = part.ValueKind == JsonValueKind.Object ? RequiredString(part, "type", partPath) : throw Expected(partPath, "a content block", part);
            parts.Add(type switch
            {
                "text" => new TextContent(RequiredString(part, "text", partPath)),
                "image" => Source(part, partPath, document: false),
                "document" => Source(part, partPath, document: true),
                _ => throw JsonFields.Unsupported(Path(partPath, "type"), $"A '{type}' block in a tool result", "text, image or document blocks"),
            });
        }

        // A single text block is the common case: pass it as text, which every provider takes.
        return InboundContent.ToolResult(callId, parts is [TextContent only] ? only.Text : parts, isError);
    }

    private static ReasoningOptions? Reasoning(JsonElement root)
    {
        var effort = Object(root, "output_config", "") is { } config ? String(config, "effort", "output_config") : null;
        if (Object(root, "thinking", "") is not { } thinking)
        {
            return effort is null ? null : new ReasoningOptions { Effort = ReasoningEfforts.Parse(effort, "output_config.effort") };
        }

        var type = RequiredString(thinking, "type", "thinking");
        return type switch
        {
            "enabled" => new ReasoningOptions
            {
                Effort = ReasoningEfforts.FromBudget(Int(thinking, "budget_tokens", "thinking") ?? throw new ClientRequestException("thinking.budget_tokens", "Field required")),
            },
            "adaptive" or "between_tools" => new ReasoningOptions { Effort = ReasoningEfforts.Parse(effort, "output_config.effort") ?? ReasoningEffort.Medium },
            "disabled" => null,
            _ => throw new ClientRequestException("thinking.type", $"Input should be 'enabled', 'adaptive', 'between_tools' or 'disabled', not '{type}'."),
        };
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
                if (tool.ValueKind != JsonValueKind.Object)
                {
                    throw Expected(path, "a tool object", tool);
                }

                var type = String(tool, "type", path);
                if (type is not (null or "custom"))
                {
                    throw new ClientRequestException(Path(path, "type"), $"'{type}' is one of Anthropic's server tools: route this request to an Anthropic auth, or declare a custom tool.");
                }

                list.Add(InboundContent.Tool(RequiredString(tool, "name", path), String(tool, "description", path), Object(tool, "input_schema", path), path));
            }

            options.Tools = list.Count > 0 ? list : null;
        }

        if (Object(root, "tool_choice", "") is { } choice)
        {
            var type = RequiredString(choice, "type", "tool_choice");
            options.ToolMode = InboundContent.ToolMode(type, String(choice, "name", "tool_choice"), "tool_choice.type");
            if (Bool(choice, "disable_parallel_tool_use", "tool_choice") == true)
            {
                options.AllowMultipleToolCalls = false;
            }
        }
    }
}
