using System.Buffers;
using System.Text;
using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Maestro.Providers.Shared;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.OpenAI;

/// <summary>
/// Reads a Responses API event stream. Text and reasoning-summary deltas are parsed straight from their UTF-8 bytes;
/// the rare structural events (item added/done, created, completed) with JsonDocument. A function call is emitted once,
/// when its item is done; reasoning items yield their <c>encrypted_content</c> for replay; <c>response.completed</c>
/// (or <c>response.incomplete</c>) ends the stream with usage and the finish reason.
/// </summary>
public sealed class OpenAIStreamReader : SseChatStream
{
    private readonly ProviderConnection _connection;
    private readonly ProviderRequestContext _context;
    private readonly List<PendingCall> _calls = [];
    private string? _responseId;
    private string? _modelId;
    private DateTimeOffset? _createdAt;
    private string? _itemId;
    private byte[]? _itemIdUtf8;
    private string? _reasoningItemId;
    private AdditionalPropertiesDictionary? _reasoningProperties;
    private bool _sawToolCall;

    public OpenAIStreamReader(ProviderConnection connection, string? model)
    {
        _connection = connection;
        _modelId = model;
        _context = new ProviderRequestContext(connection.Auth.Provider, connection.AuthLabel, model, connection.BaseUrl);
    }

    protected override ChatResponseUpdate? OnEvent(string eventType, ReadOnlySpan<byte> data)
    {
        if (data.Trim(" \t\r\n"u8).IsEmpty)
        {
            return null;
        }

        // The Responses API names every event in its `event:` line; a proxy that drops it leaves the JSON "type".
        var type = eventType == "message" ? ResponsesEventTypes.Peek(data) : eventType;
        switch (type)
        {
            case ResponsesEventTypes.OutputTextDelta:
            case ResponsesEventTypes.RefusalDelta:
                return Delta(eventType, data, reasoning: false);
            case ResponsesEventTypes.ReasoningSummaryTextDelta:
            case ResponsesEventTypes.ReasoningTextDelta:
                return Delta(eventType, data, reasoning: true);
            case ResponsesEventTypes.ReasoningSummaryPartAdded:
                return SummaryPartAdded(eventType, data);
            case ResponsesEventTypes.FunctionCallArgumentsDelta:
                AppendArguments(data);
                return null;
            case ResponsesEventTypes.OutputItemAdded:
                ItemAdded(data);
                return null;
            case ResponsesEventTypes.OutputItemDone:
                return ItemDone(eventType, data);
            case ResponsesEventTypes.Created:
                Started(data);
                return null;
            case ResponsesEventTypes.Completed:
            case ResponsesEventTypes.Incomplete:
                Completed = true;
                return Finished(eventType, data);
            case ResponsesEventTypes.Failed:
                StreamError = Failed(data);
                return null;
            case ResponsesEventTypes.Error:
                StreamError = OpenAIErrorMapper.Instance.Map(null, data, null, _context);
                return null;
            default:
                if (!ResponsesEventTypes.IsKnownWithoutContent(type))
                {
                    _connection.Runtime.Diagnostics.UnknownEvent(_connection.Auth.Provider, type, data);
                }

                return null;
        }
    }

    private ChatResponseUpdate? Delta(string eventType, ReadOnlySpan<byte> data, bool reasoning)
    {
        string? delta = null;
        string? itemId = null;
        var reader = new Utf8JsonReader(data);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("delta"u8))
            {
                reader.Read();
                delta = reader.GetString();
            }
            else if (reader.ValueTextEquals("item_id"u8))
            {
                reader.Read();
                itemId = ItemId(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (string.IsNullOrEmpty(delta))
        {
            return null;
        }

        return Update(eventType, data, itemId,
            reasoning ? new TextReasoningContent(delta) { AdditionalProperties = ReasoningProperties(itemId) } : new TextContent(delta));
    }

    /// <summary>
    /// One properties dictionary (holding the item id) per reasoning item, shared by its deltas and its encrypted
    /// content: M.E.AI's ToChatResponse merges a run of reasoning contents and keeps the first one's properties, so
    /// every piece must carry the id for the merged content to be replayable. Allocated once per item, not per delta.
    /// </summary>
    private AdditionalPropertiesDictionary? ReasoningProperties(string? itemId)
    {
        if (itemId is null)
        {
            return null;
        }

        if (itemId != _reasoningItemId)
        {
            _reasoningItemId = itemId;
            _reasoningProperties = new AdditionalPropertiesDictionary { [OpenAIRequestWriter.ItemIdKey] = itemId };
        }

        return _reasoningProperties;
    }

    /// <summary>A second summary part starts a new paragraph of the same reasoning.</summary>
    private ChatResponseUpdate? SummaryPartAdded(string eventType, ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        reader.Read();
        var index = 0;
        string? itemId = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("summary_index"u8))
            {
                reader.Read();
                index = reader.TokenType == JsonTokenType.Number ? reader.GetInt32() : 0;
            }
            else if (reader.ValueTextEquals("item_id"u8))
            {
                reader.Read();
                itemId = ItemId(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return index > 0
            ? Update(eventType, data, itemId, new TextReasoningContent("\n\n") { AdditionalProperties = ReasoningProperties(itemId) })
            : null;
    }

    private void AppendArguments(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        reader.Read();
        PendingCall? call = null;
        var deltaStart = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("item_id"u8))
            {
                reader.Read();
                call = FindCall(ref reader);
            }
            else if (reader.ValueTextEquals("delta"u8))
            {
                reader.Read();
                deltaStart = (int)reader.TokenStartIndex;
                if (call is not null)
                {
                    call.Append(ref reader);
                    deltaStart = -1;
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        // "delta" came before "item_id": read it again now that the call is known.
        if (call is not null && deltaStart >= 0)
        {
            var again = new Utf8JsonReader(data[deltaStart..]);
            again.Read();
            call.Append(ref again);
        }
    }

    private void ItemAdded(ReadOnlySpan<byte> data)
    {
        using var document = JsonDocument.Parse(data.ToArray());
        if (!document.RootElement.TryGetProperty("item", out var item) || Str(item, "type") != "function_call")
        {
            return;
        }

        _calls.Add(new PendingCall(Str(item, "id") ?? "", Str(item, "call_id"), Str(item, "name")));
    }

    private ChatResponseUpdate? ItemDone(string eventType, ReadOnlySpan<byte> data)
    {
        using var document = JsonDocument.Parse(data.ToArray());
        if (!document.RootElement.TryGetProperty("item", out var item))
        {
            return null;
        }

        var itemId = Str(item, "id");
        switch (Str(item, "type"))
        {
            case "function_call":
                return FunctionCallDone(eventType, data, item, itemId);
            case "reasoning" when Str(item, "encrypted_content") is { Length: > 0 } encrypted:
                var reasoning = new TextReasoningContent("") { ProtectedData = encrypted, AdditionalProperties = ReasoningProperties(itemId) };
                return Update(eventType, data, itemId, reasoning);
            default:
                return null;
        }
    }

    private ChatResponseUpdate FunctionCallDone(string eventType, ReadOnlySpan<byte> data, JsonElement item, string? itemId)
    {
        var pending = _calls.Find(c => c.ItemId == itemId);
        var callId = Str(item, "call_id") ?? pending?.CallId ?? itemId ?? $"call_{Guid.NewGuid():N}";
        var name = Str(item, "name") ?? pending?.Name ?? "";
        var call = Str(item, "arguments") is { Length: > 0 } arguments
            ? ToolArguments.ToCall(callId, name, arguments)
            : ToolArguments.ToCall(callId, name, pending is null ? [] : pending.Arguments.WrittenSpan);
        if (itemId is not null)
        {
            call.AdditionalProperties = new() { [OpenAIRequestWriter.ItemIdKey] = itemId };
        }

        if (pending is not null)
        {
            _calls.Remove(pending);
        }

        _sawToolCall = true;
        return Update(eventType, data, itemId, call);
    }

    private void Started(ReadOnlySpan<byte> data)
    {
        using var document = JsonDocument.Parse(data.ToArray());
        if (document.RootElement.TryGetProperty("response", out var response))
        {
            _responseId = Str(response, "id") ?? _responseId;
            _modelId = Str(response, "model") ?? _modelId;
            _createdAt = OpenAIResponseReader.CreatedAt(response) ?? _createdAt;
        }
    }

    private ChatResponseUpdate Finished(string eventType, ReadOnlySpan<byte> data)
    {
        using var document = JsonDocument.Parse(data.ToArray());
        var response = document.RootElement.TryGetProperty("response", out var r) ? r : default;
        if (response.ValueKind == JsonValueKind.Object)
        {
            _responseId = Str(response, "id") ?? _responseId;
            _modelId = Str(response, "model") ?? _modelId;
        }

        var (finish, raw) = OpenAIResponseReader.FinishReason(response, _sawToolCall);
        var usage = response.ValueKind == JsonValueKind.Object && response.TryGetProperty("usage", out var u) ? OpenAIUsage.FromResponses(u) : null;
        return new ChatResponseUpdate
        {
            Role = ChatRole.Assistant,
            ResponseId = _responseId,
            ModelId = _modelId,
            CreatedAt = _createdAt,
            FinishReason = finish,
            Contents = usage is null ? [] : [new UsageContent(usage)],
            AdditionalProperties = new() { ["finish_reason"] = raw },
            RawRepresentation = Raw(eventType, data),
        };
    }

    private ProviderException Failed(ReadOnlySpan<byte> data)
    {
        using var document = JsonDocument.Parse(data.ToArray());
        var error = document.RootElement.TryGetProperty("response", out var response) && response.TryGetProperty("error", out var e) &&
                    e.ValueKind == JsonValueKind.Object
            ? Encoding.UTF8.GetBytes(e.GetRawText())
            : data.ToArray();
        return OpenAIErrorMapper.Instance.Map(null, error, null, _context);
    }

    private ChatResponseUpdate Update(string eventType, ReadOnlySpan<byte> data, string? itemId, AIContent content) => new()
    {
        Role = ChatRole.Assistant,
        MessageId = itemId,
        ResponseId = _responseId,
        ModelId = _modelId,
        CreatedAt = _createdAt,
        Contents = [content],
        RawRepresentation = Raw(eventType, data),
    };

    /// <summary>The item id of a delta, allocated once per item rather than once per token.</summary>
    private string? ItemId(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return null;
        }

        if (_itemIdUtf8 is not null && reader.ValueTextEquals(_itemIdUtf8))
        {
            return _itemId;
        }

        _itemId = reader.GetString();
        _itemIdUtf8 = Encoding.UTF8.GetBytes(_itemId!);
        return _itemId;
    }

    private PendingCall? FindCall(ref Utf8JsonReader reader)
    {
        foreach (var call in _calls)
        {
            if (reader.ValueTextEquals(call.ItemIdUtf8))
            {
                return call;
            }
        }

        // Arguments for an item that was never announced: keep them under that id.
        if (reader.TokenType != JsonTokenType.String)
        {
            return null;
        }

        var added = new PendingCall(reader.GetString()!, null, null);
        _calls.Add(added);
        return added;
    }

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>A function call whose arguments are still streaming.</summary>
    private sealed class PendingCall(string itemId, string? callId, string? name)
    {
        public string ItemId { get; } = itemId;

        public byte[] ItemIdUtf8 { get; } = Encoding.UTF8.GetBytes(itemId);

        public string? CallId { get; } = callId;

        public string? Name { get; } = name;

        public ArrayBufferWriter<byte> Arguments { get; } = new(256);

        /// <summary>Unescapes the delta string straight into the buffer.</summary>
        public void Append(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                return;
            }

            var span = Arguments.GetSpan(reader.ValueSpan.Length);
            Arguments.Advance(reader.CopyString(span));
        }
    }
}
