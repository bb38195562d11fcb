using System.Text;
using System.Text.Json;
using Maestro.Emulator.Hosting;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.Anthropic;

/// <summary>Reads a Messages API body; enforces the fields the real API requires (model, max_tokens, messages) and what the requested API version refuses.</summary>
internal sealed class AnthropicRequestReader : IChatRequestReader
{
    public ChatRequest? Read(HttpContext context, ReadOnlyMemory<byte> body, JsonElement root, string? credential, out string? error)
    {
        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String)
        {
            error = "model: Field required";
            return null;
        }

        if (!root.TryGetProperty("max_tokens", out var maxTokens) || maxTokens.ValueKind != JsonValueKind.Number)
        {
            error = "max_tokens: Field required";
            return null;
        }

        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            error = "messages: Field required";
            return null;
        }

        error = AnthropicVersions.Refusal(context.Request.Headers["anthropic-version"].ToString(), root);
        if (error is not null)
        {
            return null;
        }

        var thinking = root.TryGetProperty("thinking", out var t) && t.ValueKind == JsonValueKind.Object
            && t.TryGetProperty("type", out var type) && type.GetString() is "enabled" or "adaptive";
        return new ChatRequest
        {
            Provider = EmulatorProviders.Anthropic,
            Body = body,
            Json = root,
            Model = model.GetString()!,
            Stream = root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True,
            LastUserText = LastUserText(messages),
            WantsReasoning = thinking,
            Credential = credential,
        };
    }

    public string? PeekModel(HttpContext context, JsonElement? root) =>
        root is { ValueKind: JsonValueKind.Object } json && json.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String
            ? model.GetString()
            : null;

    /// <summary>The text blocks of the last user message; if it holds only tool results, their text.</summary>
    private static string LastUserText(JsonElement messages)
    {
        for (var i = messages.GetArrayLength() - 1; i >= 0; i--)
        {
            var message = messages[i];
            if (!message.TryGetProperty("role", out var role) || role.GetString() != "user" || !message.TryGetProperty("content", out var content))
            {
                continue;
            }

            if (content.ValueKind == JsonValueKind.String)
            {
                return content.GetString()!;
            }

            var text = BlockText(content, "text");
            return text.Length > 0 ? text : BlockText(content, "tool_result");
        }

        return "";
    }

    private static string BlockText(JsonElement blocks, string blockType)
    {
        if (blocks.ValueKind != JsonValueKind.Array)
        {
            return "";
        }

        var builder = new StringBuilder();
        foreach (var block in blocks.EnumerateArray())
        {
            if (!block.TryGetProperty("type", out var type) || type.GetString() != blockType)
            {
                continue;
            }

            if (blockType == "text" && block.TryGetProperty("text", out var text))
            {
                Append(builder, text.GetString());
            }
            else if (block.TryGetProperty("content", out var result))
            {
                Append(builder, result.ValueKind == JsonValueKind.String ? result.GetString() : BlockText(result, "text"));
            }
        }

        return builder.ToString();
    }

    private static void Append(StringBuilder builder, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        if (builder.Length > 0)
        {
            builder.Append('\n');
        }

        builder.Append(text);
    }
}
