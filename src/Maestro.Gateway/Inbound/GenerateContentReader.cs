using System.Buffers;
using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Gateway.Translation;
using Microsoft.Extensions.AI;
using static Maestro.Gateway.Inbound.JsonFields;

namespace Maestro.Gateway.Inbound;

/// <summary>
/// A generateContent request (<c>POST /v1beta/models/{model}:generateContent</c>) in M.E.AI terms: contents with text,
/// thought, inline and file data, function calls and responses (paired by id, or by name and order as Gemini does),
/// thought signatures kept for their maker, the system instruction, function declarations, the function calling
/// config and the generation config (sampling, stop, output limit, thinking, JSON output).
/// </summary>
internal static class GenerateContentReader
{
    public static InboundRequest Read(JsonElement root)
    {
        var contents = Array(root, "contents", "") ?? throw new ClientRequestException("contents", "* GenerateContentRequest.contents: contents is not specified");
        if (String(root, "cachedContent", "") is not null)
        {
            throw new ClientRequestException("cachedContent", "Cached contents live at Google: route this request to a Gemini auth.");
        }

        var history = new List<ChatMessage>(contents.GetArrayLength());
        var pending = new List<(string Id, string Name)>();
        var turn = 0;
        foreach (var content in contents.EnumerateArray())
        {
            var path = Path("contents", turn);
            history.Add(Content(content, path, turn++, pending));
        }

        if (history.Count == 0)
        {
            throw new ClientRequestException("contents", "* GenerateContentRequest.contents: contents is not specified");
        }

        var options = new ChatOptions { Instructions = SystemInstruction(root) };
        if (Object(root, "generationConfig", "") is { } config)
        {
            Generation(config, options);
        }

        Tools(root, options);
        return new InboundRequest { Messages = history, Options = options, ShowReasoning = options.Reasoning?.Output == ReasoningOutput.Full };
    }

    private static ChatMessage Content(JsonElement content, string path, int turn, List<(string Id, string Name)> pending)
    {
        if (content.ValueKind != JsonValueKind.Object)
        {
            throw Expected(path, "a Content object", content);
        }

        var role = String(content, "role", path) ?? "user";
        var model = role switch
        {
            "user" => false,
            "model" => true,
            _ => throw new ClientRequestException(Path(path, "role"), $"Please use a valid role: user, model (not '{role}')."),
        };
        var parts = Array(content, "parts", path) ?? throw new ClientRequestException(Path(path, "parts"), "* contents.parts must not be empty");
        var result = new List<AIContent>(parts.GetArrayLength());
        var calls = 0;
        var responses = 0;
        var index = 0;
        if (model)
        {
            pending.Clear();
        }

        foreach (var part in parts.EnumerateArray())
        {
            var partPath = Path(Path(path, "parts"), index++);
            if (part.ValueKind != JsonValueKind.Object)
            {
                throw Expected(partPath, "a Part object", part);
            }

            var signature = String(part, "thoughtSignature", partPath);
            if (String(part, "text", partPath) is { } text)
            {
                var thought = Bool(part, "thought", partPath) == true;
                result.Add(thought ? new TextReasoningContent(text) : new TextContent(text));
                if (signature is not null && model)
                {
                    result.Add(Signed(signature));
                }
            }
            else if (Object(part, "inlineData", partPath) is { } inline)
            {
                var inlinePath = Path(partPath, "inlineData");
                result.Add(InboundContent.Data(RequiredString(inline, "data", inlinePath), RequiredString(inline, "mimeType", inlinePath), Path(inlinePath, "data")));
            }
            else if (Object(part, "fileData", partPath) is { } file)
            {
                var filePath = Path(partPath, "fileData");
                var uri = RequiredString(file, "fileUri", filePath);
                result.Add(Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
                    ? new UriContent(parsed, String(file, "mimeType", filePath) ?? "application/octet-stream")
                    : throw new ClientRequestException(Path(filePath, "fileUri"), "Files uploaded to Google live there: route this request to a Gemini auth, or send the data inline."));
            }
            else if (Object(part, "functionCall", partPath) is { } call)
            {
                var callPath = Path(partPath, "functionCall");
                var name = RequiredString(call, "name", callPath);
                var id = String(call, "id", callPath) ?? $"call_{turn}_{calls}";
                calls++;
                pending.Add((id, name));
                var functionCall = new FunctionCallContent(id, name, Object(call, "args", callPath) is { } args ? InboundContent.Arguments(args) : []);
                if (signature is not null)
                {
                    var (data, origin, _) = ReasoningOrigin.Unwrap(signature, WireApi.GenerateContent);
                    functionCall.AdditionalProperties = new() { [ReasoningOrigin.CallSignatureKey] = data, [ReasoningOrigin.Key] = origin };
                }

                result.Add(functionCall);
            }
            else if (Object(part, "functionResponse", partPath) is { } response)
            {
                var responsePath = Path(partPath, "functionResponse");
                var name = RequiredString(response, "name", responsePath);
                var id = String(response, "id", responsePath) ?? Match(pending, name) ?? $"call_{turn}_{responses}";
                responses++;
                result.Add(InboundContent.ToolResult(id, Result(Object(response, "response", responsePath)), isError: false));
            }
            else if (part.TryGetProperty("executableCode", out _) || part.TryGetProperty("codeExecutionResult", out _))
            {
                throw new ClientRequestException(partPath, "Code execution runs at Google: route this conversation to a Gemini auth.");
            }
            else if (signature is not null && model)
            {
                result.Add(Signed(signature));
            }
            else
            {
                throw new ClientRequestException(partPath, "A part needs one of text, inlineData, fileData, functionCall or functionResponse.");
            }
        }

        if (model)
        {
            return new ChatMessage(ChatRole.Assistant, result);
        }

        return new ChatMessage(result.Count > 0 && result.TrueForAll(c => c is FunctionResultContent) ? ChatRole.Tool : ChatRole.User, result);
    }

    /// <summary>The first pending call of that name (Gemini pairs responses with calls by name, in order).</summary>
    private static string? Match(List<(string Id, string Name)> pending, string name)
    {
        for (var i = 0; i < pending.Count; i++)
        {
            if (pending[i].Name == name)
            {
                var id = pending[i].Id;
                pending.RemoveAt(i);
                return id;
            }
        }

        return null;
    }

    private static TextReasoningContent Signed(string signature)
    {
        var (data, origin, itemId) = ReasoningOrigin.Unwrap(signature, WireApi.GenerateContent);
        var reasoning = new TextReasoningContent("") { ProtectedData = data, AdditionalProperties = new() { [ReasoningOrigin.Key] = origin } };
        if (itemId is not null)
        {
            reasoning.AdditionalProperties[ReasoningOrigin.ItemIdKey] = itemId;
        }

        return reasoning;
    }

    /// <summary>A response object; <c>{"output": "text"}</c> and similar one-string objects become the text.</summary>
    private static object? Result(JsonElement? response)
    {
        if (response is not { } value)
        {
            return "";
        }

        using var properties = value.EnumerateObject();
        if (properties.MoveNext() && properties.Current.Value.ValueKind == JsonValueKind.String && !properties.MoveNext())
        {
            return value.EnumerateObject().First().Value.GetString();
        }

        return value.Clone();
    }

    private static string? SystemInstruction(JsonElement root)
    {
        var system = Object(root, "systemInstruction", "") ?? Object(root, "system_instruction", "");
        if (system is not { } value)
        {
            return null;
        }

        var parts = Array(value, "parts", "systemInstruction") ?? throw new ClientRequestException("systemInstruction.parts", "Field required.");
        var text = new List<string>();
        foreach (var part in parts.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Object && String(part, "text", "systemInstruction.parts") is { } piece)
            {
                text.Add(piece);
            }
        }

        return string.Join("\n\n", text);
    }

    private static void Generation(JsonElement config, ChatOptions options)
    {
        const string Path0 = "generationConfig";
        if (Int(config, "candidateCount", Path0) is { } count && count != 1)
        {
            throw new ClientRequestException("generationConfig.candidateCount", "Only one candidate is supported by Maestro's gateway.");
        }

        options.Temperature = (float?)Number(config, "temperature", Path0);
        options.TopP = (float?)Number(config, "topP", Path0);
        options.TopK = Int(config, "topK", Path0);
        options.MaxOutputTokens = Int(config, "maxOutputTokens", Path0);
        options.StopSequences = Strings(config, "stopSequences", Path0);
        options.Seed = Int(config, "seed", Path0);
        options.PresencePenalty = (float?)Number(config, "presencePenalty", Path0);
        options.FrequencyPenalty = (float?)Number(config, "frequencyPenalty", Path0);
        if (options.MaxOutputTokens is <= 0)
        {
            throw new ClientRequestException("generationConfig.maxOutputTokens", "Must be a positive number of tokens.");
        }

        if (String(config, "responseMimeType", Path0) == "application/json")
        {
            var schema = Object(config, "responseJsonSchema", Path0) ?? Object(config, "responseSchema", Path0);
            options.ResponseFormat = schema is { } s ? ChatResponseFormat.ForJsonSchema(LowercaseTypes(s)) : ChatResponseFormat.Json;
        }

        if (Object(config, "thinkingConfig", Path0) is { } thinking)
        {
            const string ThinkingPath = "generationConfig.thinkingConfig";
            var effort = String(thinking, "thinkingLevel", ThinkingPath) is { } level
                ? ReasoningEfforts.Parse(level.ToLowerInvariant(), ThinkingPath + ".thinkingLevel")
                : Int(thinking, "thinkingBudget", ThinkingPath) is { } budget
                    ? budget < 0 ? ReasoningEffort.Medium : ReasoningEfforts.FromBudget(budget)
                    : null;
            var include = Bool(thinking, "includeThoughts", ThinkingPath);
            options.Reasoning = new ReasoningOptions
            {
                Effort = effort,
                Output = include switch
                {
                    true => ReasoningOutput.Full,
                    false => ReasoningOutput.None,
                    null => null,
                },
            };
        }
    }

    private static void Tools(JsonElement root, ChatOptions options)
    {
        if (Array(root, "tools", "") is { } tools)
        {
            var list = new List<AITool>();
            var index = 0;
            foreach (var tool in tools.EnumerateArray())
            {
                var path = Path("tools", index++);
                if (tool.ValueKind != JsonValueKind.Object)
                {
                    throw Expected(path, "a Tool object", tool);
                }

                foreach (var property in tool.EnumerateObject())
                {
                    if (property.Name is not ("functionDeclarations" or "function_declarations"))
                    {
                        throw new ClientRequestException(Path(path, property.Name), $"The {property.Name} tool runs at Google: route this request to a Gemini auth, or declare functions.");
                    }

                    var declarations = property.Value.ValueKind == JsonValueKind.Array ? property.Value : throw Expected(Path(path, property.Name), "an array", property.Value);
                    var d = 0;
                    foreach (var declaration in declarations.EnumerateArray())
                    {
                        var declarationPath = Path(Path(path, property.Name), d++);
                        var schema = Object(declaration, "parametersJsonSchema", declarationPath)
                            ?? (Object(declaration, "parameters", declarationPath) is { } openApi ? LowercaseTypes(openApi) : null);
                        list.Add(InboundContent.Tool(RequiredString(declaration, "name", declarationPath), String(declaration, "description", declarationPath), schema, declarationPath));
                    }
                }
            }

            options.Tools = list.Count > 0 ? list : null;
        }

        var config = Object(root, "toolConfig", "") is { } toolConfig ? Object(toolConfig, "functionCallingConfig", "toolConfig") : null;
        if (config is { } calling)
        {
            const string Path0 = "toolConfig.functionCallingConfig";
            var allowed = Strings(calling, "allowedFunctionNames", Path0);
            options.ToolMode = String(calling, "mode", Path0) switch
            {
                null or "AUTO" or "MODE_UNSPECIFIED" => ChatToolMode.Auto,
                "NONE" => ChatToolMode.None,
                "ANY" or "VALIDATED" => allowed is [var single] ? ChatToolMode.RequireSpecific(single) : ChatToolMode.RequireAny,
                var other => throw new ClientRequestException(Path0 + ".mode", $"'{other}' is not a mode; use AUTO, ANY, NONE or VALIDATED."),
            };
        }
    }

    /// <summary>Gemini's OpenAPI-style schemas name types in capitals (OBJECT, STRING); JSON Schema wants them in lowercase.</summary>
    public static JsonElement LowercaseTypes(JsonElement schema)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, schema);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();

        static void Write(Utf8JsonWriter writer, JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    writer.WriteStartObject();
                    foreach (var property in element.EnumerateObject())
                    {
                        writer.WritePropertyName(property.Name);
                        if (property.Name == "type" && property.Value.ValueKind == JsonValueKind.String)
                        {
                            writer.WriteStringValue(property.Value.GetString()!.ToLowerInvariant());
                        }
                        else
                        {
                            Write(writer, property.Value);
                        }
                    }

                    writer.WriteEndObject();
                    break;
                case JsonValueKind.Array:
                    writer.WriteStartArray();
                    foreach (var item in element.EnumerateArray())
                    {
                        Write(writer, item);
                    }

                    writer.WriteEndArray();
                    break;
                default:
                    element.WriteTo(writer);
                    break;
            }
        }
    }
}
