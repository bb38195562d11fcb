using System.Text;
using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Maestro.Providers.OpenAI;
using Maestro.Providers.Shared;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.OpenAICompatible;

/// <summary>Maps a non-streaming Chat Completions body to a <see cref="ChatResponse"/> with the stream's contents.</summary>
public static class ChatCompletionsResponseReader
{
    /// <exception cref="ProviderException">The body is an error object.</exception>
    public static ChatResponse Read(ReadOnlySpan<byte> body, ProviderRequestContext context)
    {
        using var document = JsonDocument.Parse(body.ToArray());
        var root = document.RootElement;
        if (root.TryGetProperty("error", out var error) && error.ValueKind is JsonValueKind.Object or JsonValueKind.String)
        {
            throw OpenAIErrorMapper.Instance.Map(null, body, null, context);
        }

        var id = Str(root, "id");
        var contents = new List<AIContent>();
        string? finish = null;
        var sawToolCall = false;
        if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
        {
            var choice = choices[0];
            finish = Str(choice, "finish_reason");
            if (choice.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object)
            {
                if ((Str(message, "reasoning_content") ?? Str(message, "reasoning")) is { Length: > 0 } reasoning)
                {
                    contents.Add(new TextReasoningContent(reasoning));
                }

                if ((Str(message, "content") ?? Str(message, "refusal")) is { Length: > 0 } text)
                {
                    contents.Add(new TextContent(text));
                }

                if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
                {
                    foreach (var call in calls.EnumerateArray())
                    {
                        var function = call.TryGetProperty("function", out var f) ? f : default;
                        contents.Add(ToolArguments.ToCall(
                            Str(call, "id") ?? $"call_{Guid.NewGuid():N}", Str(function, "name") ?? "", Str(function, "arguments") ?? ""));
                        sawToolCall = true;
                    }
                }
            }
        }

        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, contents) { MessageId = id })
        {
            ResponseId = id,
            ModelId = Str(root, "model") ?? context.Model,
            CreatedAt = root.TryGetProperty("created", out var created) && created.ValueKind == JsonValueKind.Number && created.TryGetInt64(out var s)
                ? DateTimeOffset.FromUnixTimeSeconds(s)
                : null,
            FinishReason = FinishReasons.ToChat(finish, sawToolCall),
            Usage = root.TryGetProperty("usage", out var usage) ? OpenAIUsage.FromChatCompletions(usage) : null,
            RawRepresentation = new RawProviderEvent(null, body.ToArray()),
        };
        if (finish is not null)
        {
            response.AdditionalProperties = new() { ["finish_reason"] = finish };
        }

        return response;
    }

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
