using System.Text;
using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Maestro.Providers.Shared;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.OpenAI;

/// <summary>
/// Maps a non-streaming Responses API body to a <see cref="ChatResponse"/> with the same contents the stream yields:
/// one assistant message per output item (its id as MessageId), reasoning summaries and encrypted reasoning, calls.
/// </summary>
public static class OpenAIResponseReader
{
    private static readonly JsonElement EmptyArray = JsonDocument.Parse("[]").RootElement;

    /// <exception cref="ProviderException">The response failed (status "failed" with an error).</exception>
    public static ChatResponse Read(ReadOnlySpan<byte> body, ProviderRequestContext context)
    {
        using var document = JsonDocument.Parse(body.ToArray());
        var root = document.RootElement;
        if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            throw OpenAIErrorMapper.Instance.Map(null, Encoding.UTF8.GetBytes(error.GetRawText()), null, context);
        }

        var messages = new List<ChatMessage>();
        var sawToolCall = false;
        if (root.TryGetProperty("output", out var output) && output.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in output.EnumerateArray())
            {
                var contents = ItemContents(item, ref sawToolCall);
                if (contents.Count > 0)
                {
                    messages.Add(new ChatMessage(ChatRole.Assistant, contents) { MessageId = Str(item, "id") });
                }
            }
        }

        var (finish, raw) = FinishReason(root, sawToolCall);
        return new ChatResponse(messages)
        {
            ResponseId = Str(root, "id"),
            ModelId = Str(root, "model") ?? context.Model,
            CreatedAt = CreatedAt(root),
            FinishReason = finish,
            Usage = root.TryGetProperty("usage", out var usage) ? OpenAIUsage.FromResponses(usage) : null,
            AdditionalProperties = new() { ["finish_reason"] = raw },
            RawRepresentation = new RawProviderEvent(null, body.ToArray()),
        };
    }

    /// <summary>Stop, unless the response is incomplete (max_output_tokens → Length, content_filter) or called tools.</summary>
    public static (ChatFinishReason Reason, string Raw) FinishReason(JsonElement response, bool sawToolCall)
    {
        var status = response.ValueKind == JsonValueKind.Object ? Str(response, "status") : null;
        if (response.ValueKind == JsonValueKind.Object && response.TryGetProperty("incomplete_details", out var details) &&
            Str(details, "reason") is { } reason)
        {
            return reason switch
            {
                "max_output_tokens" => (ChatFinishReason.Length, reason),
                "content_filter" => (ChatFinishReason.ContentFilter, reason),
                _ => (new ChatFinishReason(reason), reason),
            };
        }

        if (status == "incomplete")
        {
            return (ChatFinishReason.Length, status);
        }

        return (sawToolCall ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop, status ?? "completed");
    }

    public static DateTimeOffset? CreatedAt(JsonElement response) =>
        response.ValueKind == JsonValueKind.Object && response.TryGetProperty("created_at", out var created) &&
        created.ValueKind == JsonValueKind.Number && created.TryGetInt64(out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private static List<AIContent> ItemContents(JsonElement item, ref bool sawToolCall)
    {
        var contents = new List<AIContent>();
        var id = Str(item, "id");
        switch (Str(item, "type"))
        {
            case "message":
                foreach (var part in Array(item, "content"))
                {
                    if ((Str(part, "type") == "refusal" ? Str(part, "refusal") : Str(part, "text")) is { Length: > 0 } text)
                    {
                        contents.Add(new TextContent(text) { RawRepresentation = part.Clone() });
                    }
                }

                break;
            case "reasoning":
                // One content, as ToChatResponse makes of the streamed summary deltas and the encrypted content.
                var summary = new StringBuilder();
                foreach (var part in Array(item, "summary"))
                {
                    if (Str(part, "text") is { Length: > 0 } text)
                    {
                        summary.Append(summary.Length > 0 ? "\n\n" : "").Append(text);
                    }
                }

                foreach (var part in Array(item, "content"))
                {
                    summary.Append(Str(part, "text"));
                }

                var encrypted = Str(item, "encrypted_content");
                if (summary.Length > 0 || encrypted is { Length: > 0 })
                {
                    contents.Add(new TextReasoningContent(summary.ToString())
                    {
                        ProtectedData = string.IsNullOrEmpty(encrypted) ? null : encrypted,
                        AdditionalProperties = id is null ? null : new() { [OpenAIRequestWriter.ItemIdKey] = id },
                    });
                }

                break;
            case "function_call":
                var callId = Str(item, "call_id") ?? id ?? $"call_{Guid.NewGuid():N}";
                var call = ToolArguments.ToCall(callId, Str(item, "name") ?? "", Str(item, "arguments") ?? "");
                if (id is not null)
                {
                    call.AdditionalProperties = new() { [OpenAIRequestWriter.ItemIdKey] = id };
                }

                contents.Add(call);
                sawToolCall = true;
                break;
        }

        return contents;
    }

    /// <summary>The named array, or an empty one when it is missing or not an array.</summary>
    private static JsonElement.ArrayEnumerator Array(JsonElement element, string name) =>
        (element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value : EmptyArray).EnumerateArray();

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
