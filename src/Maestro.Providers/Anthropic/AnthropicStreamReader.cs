using System.Buffers;
using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Maestro.Providers.Shared;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Anthropic;

/// <summary>
/// Messages API stream events → normalized updates. Per-token events (content_block_delta) are read straight from
/// their UTF-8 bytes with Utf8JsonReader; once-per-block and once-per-message events use JsonDocument. One instance
/// reads one stream.
/// </summary>
internal sealed class AnthropicStreamReader(ProviderRequestContext context, StreamDiagnostics diagnostics) : SseChatStream
{
    private readonly List<Block?> _blocks = [];
    private readonly ArrayBufferWriter<byte> _scratch = new(256);
    private readonly AnthropicUsage _usage = new();
    private string? _messageId;
    private string? _model;
    private string? _stopReason;
    private string? _stopSequence;

    private enum BlockKind
    {
        Text,
        Thinking,
        ToolUse,
        ServerToolUse,
        Other,
    }

    protected override ChatResponseUpdate? OnEvent(string eventType, ReadOnlySpan<byte> data)
    {
        try
        {
            return Dispatch(eventType, eventType, data);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or KeyNotFoundException)
        {
            // Valid JSON of the wrong shape; the driver reports it as a malformed stream.
            throw new InvalidDataException($"a {eventType} event had an unexpected shape ({ex.Message})", ex);
        }
    }

    private ChatResponseUpdate? Dispatch(string type, string eventType, ReadOnlySpan<byte> data)
    {
        switch (type)
        {
            case "content_block_delta":
                return OnDelta(eventType, data);
            case "content_block_start":
                return OnBlockStart(eventType, data);
            case "content_block_stop":
                return OnBlockStop(eventType, data);
            case "ping":
                return null;
            case "message_start":
                return OnMessageStart(eventType, data);
            case "message_delta":
                OnMessageDelta(data);
                return null;
            case "message_stop":
                Completed = true;
                return Final(eventType, data);
            case "error":
                StreamError = AnthropicErrorMapper.Instance.Map(null, data, null, context);
                return null;
            case "message" when ReferenceEquals(type, eventType):
                // No "event:" line: the JSON's own type says what the event is.
                return Dispatch(TypeOf(data) ?? "", eventType, data);
            default:
                diagnostics.UnknownEvent(context.Provider, eventType, data);
                return null;
        }
    }

    private ChatResponseUpdate? OnDelta(string eventType, ReadOnlySpan<byte> data)
    {
        var index = -1;
        string? deltaType = null, text = null, thinking = null, signature = null;
        var hasJson = false;
        JsonElement? citation = null;
        _scratch.ResetWrittenCount();

        var reader = new Utf8JsonReader(data);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("index"u8))
            {
                reader.Read();
                index = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("delta"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("type"u8))
                    {
                        reader.Read();
                        deltaType = DeltaType(ref reader);
                    }
                    else if (reader.ValueTextEquals("text"u8))
                    {
                        reader.Read();
                        text = reader.GetString();
                    }
                    else if (reader.ValueTextEquals("partial_json"u8))
                    {
                        reader.Read();
                        CopyString(ref reader, _scratch);
                        hasJson = true;
                    }
                    else if (reader.ValueTextEquals("thinking"u8))
                    {
                        reader.Read();
                        thinking = reader.GetString();
                    }
                    else if (reader.ValueTextEquals("signature"u8))
                    {
                        reader.Read();
                        signature = reader.GetString();
                    }
                    else if (reader.ValueTextEquals("citation"u8))
                    {
                        reader.Read();
                        citation = JsonElement.ParseValue(ref reader);
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        switch (deltaType)
        {
            case "text_delta":
                return string.IsNullOrEmpty(text) ? null : Update(eventType, data, new TextContent(text));
            case "thinking_delta":
                return string.IsNullOrEmpty(thinking) ? null : Update(eventType, data, new TextReasoningContent(thinking));
            case "signature_delta":
                return string.IsNullOrEmpty(signature) ? null : Update(eventType, data, new TextReasoningContent("") { ProtectedData = signature });
            case "input_json_delta":
                if (hasJson && BlockAt(index) is { Json: { } json })
                {
                    json.Write(_scratch.WrittenSpan);
                }

                return null;
            case "citations_delta" when citation is { } c:
                // Kept beside the text rather than dropped, for callers that show sources.
                var update = Update(eventType, data, []);
                update.AdditionalProperties = new() { ["citation"] = c };
                return update;
            default:
                diagnostics.UnknownEvent(context.Provider, eventType, data);
                return null;
        }
    }

    private ChatResponseUpdate? OnBlockStart(string eventType, ReadOnlySpan<byte> data)
    {
        using var document = JsonDocument.Parse(data.ToArray());
        var root = document.RootElement;
        var index = root.GetProperty("index").GetInt32();
        var block = root.GetProperty("content_block");
        var type = block.GetProperty("type").GetString();
        switch (type)
        {
            case "text":
                SetBlock(index, new Block(BlockKind.Text));
                return String(block, "text") is { Length: > 0 } text ? Update(eventType, data, new TextContent(text)) : null;
            case "thinking":
                SetBlock(index, new Block(BlockKind.Thinking));
                var contents = new List<AIContent>(2);
                if (String(block, "thinking") is { Length: > 0 } thought)
                {
                    contents.Add(new TextReasoningContent(thought));
                }

                if (String(block, "signature") is { Length: > 0 } signature)
                {
                    contents.Add(new TextReasoningContent("") { ProtectedData = signature });
                }

                return contents.Count == 0 ? null : Update(eventType, data, contents);
            case "redacted_thinking":
                SetBlock(index, new Block(BlockKind.Other));
                return Update(eventType, data, new TextReasoningContent("")
                {
                    ProtectedData = String(block, "data"),
                    AdditionalProperties = new() { [AnthropicMessageWriter.RedactedKey] = true },
                });
            case "tool_use" or "server_tool_use":
                var kind = type == "tool_use" ? BlockKind.ToolUse : BlockKind.ServerToolUse;
                var started = new Block(kind) { Id = String(block, "id") ?? "", Name = String(block, "name") ?? "", Json = new ArrayBufferWriter<byte>(128) };
                if (block.TryGetProperty("input", out var input) && input.ValueKind == JsonValueKind.Object && input.EnumerateObject().Any())
                {
                    // Input given up front instead of streamed: used when no input_json_delta follows.
                    started.Initial = System.Text.Encoding.UTF8.GetBytes(input.GetRawText());
                }

                SetBlock(index, started);
                return null;
            default:
                // Results of server tools (web search, code execution, …): shown as data, never run by Maestro.
                SetBlock(index, new Block(BlockKind.Other));
                var other = Update(eventType, data, []);
                var key = type is not null && type.EndsWith("_tool_result", StringComparison.Ordinal) ? "server_tool_result" : "content_block";
                other.AdditionalProperties = new() { [key] = block.Clone() };
                return other;
        }
    }

    private ChatResponseUpdate? OnBlockStop(string eventType, ReadOnlySpan<byte> data)
    {
        var index = -1;
        var reader = new Utf8JsonReader(data);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isIndex = reader.ValueTextEquals("index"u8);
            reader.Read();
            if (isIndex)
            {
                index = reader.GetInt32();
            }
            else
            {
                reader.Skip();
            }
        }

        var block = BlockAt(index);
        if (block is null)
        {
            return null;
        }

        _blocks[index] = null;
        switch (block.Kind)
        {
            case BlockKind.ToolUse:
                return Update(eventType, data, ToolArguments.ToCall(block.Id!, block.Name!, block.Arguments));
            case BlockKind.ServerToolUse:
                var update = Update(eventType, data, []);
                update.AdditionalProperties = new() { ["server_tool_use"] = ServerToolUse(block) };
                return update;
            default:
                return null;
        }
    }

    private ChatResponseUpdate OnMessageStart(string eventType, ReadOnlySpan<byte> data)
    {
        using var document = JsonDocument.Parse(data.ToArray());
        if (document.RootElement.TryGetProperty("message", out var message))
        {
            _messageId = String(message, "id");
            _model = String(message, "model");
            if (message.TryGetProperty("usage", out var usage))
            {
                _usage.Read(usage);
            }
        }

        // Carries the ids before any content arrives.
        return Update(eventType, data, []);
    }

    private void OnMessageDelta(ReadOnlySpan<byte> data)
    {
        using var document = JsonDocument.Parse(data.ToArray());
        var root = document.RootElement;
        if (root.TryGetProperty("delta", out var delta))
        {
            _stopReason = String(delta, "stop_reason") ?? _stopReason;
            _stopSequence = String(delta, "stop_sequence") ?? _stopSequence;
        }

        if (root.TryGetProperty("usage", out var usage))
        {
            _usage.Read(usage);
        }
    }

    /// <summary>The one usage and the finish reason, on the last update.</summary>
    private ChatResponseUpdate Final(string eventType, ReadOnlySpan<byte> data)
    {
        var update = Update(eventType, data, new UsageContent(_usage.ToDetails()));
        update.FinishReason = AnthropicFinishReasons.Map(_stopReason);
        if (_stopReason is not null || _stopSequence is not null)
        {
            update.AdditionalProperties = [];
            if (_stopReason is not null)
            {
                update.AdditionalProperties["finish_reason"] = _stopReason;
            }

            if (_stopSequence is not null)
            {
                update.AdditionalProperties["stop_sequence"] = _stopSequence;
            }
        }

        return update;
    }

    private ChatResponseUpdate Update(string eventType, ReadOnlySpan<byte> data, AIContent content) =>
        Update(eventType, data, [content]);

    private ChatResponseUpdate Update(string eventType, ReadOnlySpan<byte> data, List<AIContent> contents) => new()
    {
        Role = ChatRole.Assistant,
        MessageId = _messageId,
        ResponseId = _messageId,
        ModelId = _model,
        Contents = contents,
        RawRepresentation = Raw(eventType, data),
    };

    private void SetBlock(int index, Block block)
    {
        if (index is < 0 or > 100_000)
        {
            throw new InvalidDataException($"content block index {index} is out of range");
        }

        while (_blocks.Count <= index)
        {
            _blocks.Add(null);
        }

        _blocks[index] = block;
    }

    private Block? BlockAt(int index) => index >= 0 && index < _blocks.Count ? _blocks[index] : null;

    /// <summary>The JSON string value unescaped into UTF-8 bytes, without making a string of it.</summary>
    private static void CopyString(ref Utf8JsonReader reader, ArrayBufferWriter<byte> destination)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new InvalidDataException("partial_json was not a string");
        }

        if (!reader.ValueIsEscaped)
        {
            destination.Write(reader.ValueSpan);
            return;
        }

        var span = destination.GetSpan(reader.ValueSpan.Length);
        destination.Advance(reader.CopyString(span));
    }

    /// <summary>The delta type as one of the known constants (no allocation), or a new string for an unknown one.</summary>
    private static string? DeltaType(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("text_delta"u8) ? "text_delta"
        : reader.ValueTextEquals("input_json_delta"u8) ? "input_json_delta"
        : reader.ValueTextEquals("thinking_delta"u8) ? "thinking_delta"
        : reader.ValueTextEquals("signature_delta"u8) ? "signature_delta"
        : reader.ValueTextEquals("citations_delta"u8) ? "citations_delta"
        : reader.GetString();

    private static string? TypeOf(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("type"u8);
            reader.Read();
            if (isType)
            {
                return reader.GetString();
            }

            reader.Skip();
        }

        return null;
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>{id, name, input} of a server tool call; input stays a string when it is not valid JSON.</summary>
    private static JsonElement ServerToolUse(Block block)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", block.Id);
            writer.WriteString("name", block.Name);
            writer.WritePropertyName("input");
            var arguments = block.Arguments;
            if (arguments.IsEmpty)
            {
                writer.WriteStartObject();
                writer.WriteEndObject();
            }
            else if (IsValidJson(arguments))
            {
                writer.WriteRawValue(arguments, skipInputValidation: true);
            }
            else
            {
                writer.WriteStringValue(arguments);
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static bool IsValidJson(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            while (reader.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private sealed class Block(BlockKind kind)
    {
        public BlockKind Kind { get; } = kind;

        public string? Id { get; init; }

        public string? Name { get; init; }

        /// <summary>The joined input_json_delta fragments.</summary>
        public ArrayBufferWriter<byte>? Json { get; init; }

        public byte[]? Initial { get; set; }

        public ReadOnlySpan<byte> Arguments => Json is { WrittenCount: > 0 } json ? json.WrittenSpan : Initial;
    }
}
