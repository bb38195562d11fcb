using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Maestro.Providers.Shared;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Anthropic;

/// <summary>A non-streaming Messages API response → one ChatResponse, with the same content mapping as the stream.</summary>
internal static class AnthropicResponseReader
{
    public static ChatResponse Read(ReadOnlyMemory<byte> body, ProviderRequestContext context)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw ProviderErrors.Create(ProviderErrorKind.Transport, context, null, $"the response from {context.BaseUrl.Authority} was not valid JSON ({ex.Message})", inner: ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw ProviderErrors.Create(ProviderErrorKind.Transport, context, null, $"the response from {context.BaseUrl.Authority} was not a JSON object");
            }

            if (String(root, "type") == "error")
            {
                throw AnthropicErrorMapper.Instance.Map(null, body.Span, null, context);
            }

            var contents = new List<AIContent>();
            List<JsonElement>? serverBlocks = null;
            if (root.TryGetProperty("content", out var blocks) && blocks.ValueKind == JsonValueKind.Array)
            {
                foreach (var block in blocks.EnumerateArray())
                {
                    if (Content(block) is { } content)
                    {
                        contents.Add(content);
                    }
                    else
                    {
                        (serverBlocks ??= []).Add(block.Clone());
                    }
                }
            }

            var usage = new AnthropicUsage();
            if (root.TryGetProperty("usage", out var usageElement))
            {
                usage.Read(usageElement);
            }

            var id = String(root, "id");
            var model = String(root, "model");
            var stopReason = String(root, "stop_reason");
            var stopSequence = String(root, "stop_sequence");
            var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, contents) { MessageId = id, RawRepresentation = root.Clone() })
            {
                ResponseId = id,
                ModelId = model,
                FinishReason = AnthropicFinishReasons.Map(stopReason),
                Usage = usage.ToDetails(),
                RawRepresentation = new RawProviderEvent(null, body.ToArray()),
            };
            if (stopReason is not null || stopSequence is not null || serverBlocks is not null)
            {
                response.AdditionalProperties = [];
                if (stopReason is not null)
                {
                    response.AdditionalProperties["finish_reason"] = stopReason;
                }

                if (stopSequence is not null)
                {
                    response.AdditionalProperties["stop_sequence"] = stopSequence;
                }

                if (serverBlocks is not null)
                {
                    // Server tool calls and results (web search, code execution): data for display, never run here.
                    response.AdditionalProperties["server_tool_blocks"] = serverBlocks;
                }
            }

            return response;
        }
    }

    /// <summary>The normalized content of one block, or null for server tool blocks.</summary>
    private static AIContent? Content(JsonElement block)
    {
        switch (String(block, "type"))
        {
            case "text":
                var text = new TextContent(String(block, "text") ?? "");
                if (block.TryGetProperty("citations", out var citations) && citations.ValueKind == JsonValueKind.Array && citations.GetArrayLength() > 0)
                {
                    text.AdditionalProperties = new() { ["citations"] = citations.Clone() };
                }

                return text;
            case "thinking":
                return new TextReasoningContent(String(block, "thinking") ?? "") { ProtectedData = String(block, "signature") };
            case "redacted_thinking":
                return new TextReasoningContent("")
                {
                    ProtectedData = String(block, "data"),
                    AdditionalProperties = new() { [AnthropicMessageWriter.RedactedKey] = true },
                };
            case "tool_use":
                var input = block.TryGetProperty("input", out var value) ? System.Text.Encoding.UTF8.GetBytes(value.GetRawText()) : [];
                return ToolArguments.ToCall(String(block, "id") ?? "", String(block, "name") ?? "", input);
            default:
                return null;
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
