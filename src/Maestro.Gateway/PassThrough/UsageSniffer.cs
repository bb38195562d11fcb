using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Providers.Anthropic;
using Maestro.Providers.OpenAI;
using Microsoft.Extensions.AI;

namespace Maestro.Gateway.PassThrough;

/// <summary>
/// Reads the usage of a forwarded answer on the side. Only the events that can carry usage are parsed (found by their
/// event name or a byte search); every other event is passed over without being looked into.
/// </summary>
internal sealed class UsageSniffer(WireApi api)
{
    private readonly AnthropicUsage _anthropic = new();

    public UsageDetails? Usage { get; private set; }

    /// <summary>The model the provider says answered, when an event names it.</summary>
    public string? Model { get; private set; }

    /// <summary>Looks at one complete SSE event; false when it must not be forwarded (the usage chunk the client did not ask for).</summary>
    public bool OnEvent(ReadOnlySpan<byte> sse, bool dropUsageChunk)
    {
        switch (api)
        {
            case WireApi.Messages:
                if (sse.StartsWith("event: message_start"u8) || sse.StartsWith("event: message_delta"u8))
                {
                    Parse(Data(sse), root =>
                    {
                        var usage = root.TryGetProperty("message", out var message) ? ReadModel(message).GetProperty("usage") : root.GetProperty("usage");
                        Usage = Anthropic(usage);
                    });
                }

                return true;
            case WireApi.Responses:
                if (sse.StartsWith("event: response.completed"u8) || sse.StartsWith("event: response.incomplete"u8) || sse.StartsWith("event: response.failed"u8))
                {
                    Parse(Data(sse), root =>
                    {
                        var response = ReadModel(root.GetProperty("response"));
                        if (response.TryGetProperty("usage", out var usage))
                        {
                            Usage = OpenAIUsage.FromResponses(usage) ?? Usage;
                        }
                    });
                }

                return true;
            case WireApi.GenerateContent:
                if (sse.IndexOf("\"usageMetadata\""u8) >= 0)
                {
                    Parse(Data(sse), root => ReadGemini(root));
                }

                return true;
            default:
                var data = Data(sse);
                if (!HasUsageObject(data))
                {
                    return true;
                }

                var keep = true;
                Parse(data, root =>
                {
                    Usage = OpenAIUsage.FromChatCompletions(root.GetProperty("usage")) ?? Usage;
                    ReadModel(root);
                    keep = !(dropUsageChunk && root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() == 0);
                });
                return keep;
        }
    }

    /// <summary>Reads a whole (non-streamed) answer.</summary>
    public void OnBody(ReadOnlySpan<byte> body)
    {
        Parse(body, root =>
        {
            ReadModel(root);
            if (api == WireApi.GenerateContent)
            {
                ReadGemini(root);
            }
            else if (root.TryGetProperty("usage", out var usage))
            {
                Usage = api switch
                {
                    WireApi.Messages => Anthropic(usage),
                    WireApi.Responses => OpenAIUsage.FromResponses(usage),
                    _ => OpenAIUsage.FromChatCompletions(usage),
                };
            }
        });
    }

    private UsageDetails Anthropic(JsonElement usage)
    {
        _anthropic.Read(usage);
        return _anthropic.ToDetails();
    }

    private void ReadGemini(JsonElement root)
    {
        if (root.TryGetProperty("modelVersion", out var version) && version.ValueKind == JsonValueKind.String)
        {
            Model ??= version.GetString();
        }

        if (!root.TryGetProperty("usageMetadata", out var metadata) || metadata.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        long Count(string name) => metadata.TryGetProperty(name, out var value) && value.TryGetInt64(out var n) ? n : 0;
        var thoughts = Count("thoughtsTokenCount");
        var input = Count("promptTokenCount") + Count("toolUsePromptTokenCount");
        var output = Count("candidatesTokenCount") + thoughts;
        Usage = new UsageDetails
        {
            InputTokenCount = input,
            OutputTokenCount = output,
            TotalTokenCount = input + output,
            CachedInputTokenCount = Count("cachedContentTokenCount") is > 0 and var cached ? cached : null,
            ReasoningTokenCount = thoughts > 0 ? thoughts : null,
        };
    }

    private JsonElement ReadModel(JsonElement element)
    {
        if (Model is null && element.ValueKind == JsonValueKind.Object && element.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String)
        {
            Model = model.GetString();
        }

        return element;
    }

    /// <summary>The payload of the event's data line (without the "data:" prefix and its space).</summary>
    private static ReadOnlySpan<byte> Data(ReadOnlySpan<byte> sse)
    {
        int at;
        if (sse.StartsWith("data:"u8))
        {
            at = 0;
        }
        else
        {
            var line = sse.IndexOf("\ndata:"u8);
            if (line < 0)
            {
                return [];
            }

            at = line + 1;
        }

        var data = sse[(at + 5)..];
        if (!data.IsEmpty && data[0] == (byte)' ')
        {
            data = data[1..];
        }

        var end = data.IndexOfAny((byte)'\r', (byte)'\n');
        return end < 0 ? data : data[..end];
    }

    /// <summary>True when the chunk has <c>"usage": {</c> (and not <c>"usage": null</c>, which every chunk carries once usage is asked for).</summary>
    private static bool HasUsageObject(ReadOnlySpan<byte> data)
    {
        var at = data.IndexOf("\"usage\""u8);
        if (at < 0)
        {
            return false;
        }

        var rest = data[(at + 7)..].TrimStart(" \t:"u8);
        return !rest.IsEmpty && rest[0] == (byte)'{';
    }

    private static void Parse(ReadOnlySpan<byte> json, Action<JsonElement> read)
    {
        if (json.IsEmpty || json.SequenceEqual("[DONE]"u8))
        {
            return;
        }

        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            read(document.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            // Usage is read on the side; an event it cannot read is still forwarded as it came.
        }
    }
}
