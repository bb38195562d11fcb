using System.Buffers;
using System.Text;
using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Maestro.Providers.OpenAI;
using Maestro.Providers.Shared;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.OpenAICompatible;

/// <summary>
/// Reads a Chat Completions stream: each chunk is parsed once, straight from its UTF-8 bytes. Content and reasoning
/// deltas are yielded as they come; tool-call fragments are joined by index and yielded, complete, with the chunk
/// that carries <c>finish_reason</c>; usage (the last chunk with empty <c>choices</c>) and the finish reason come in
/// the update for <c>data: [DONE]</c>, the completion event. A server that sends no usage gets no UsageContent
/// (rather than zeros that would read as "free").
/// </summary>
/// <remarks>Maestro never asks for n &gt; 1, so every choice is read as the one answer.</remarks>
public sealed class ChatCompletionsStreamReader : SseChatStream
{
    private readonly ProviderConnection _connection;
    private readonly ProviderRequestContext _context;
    private readonly List<PendingCall> _calls = [];
    private string? _id;
    private byte[]? _idUtf8;
    private string? _model;
    private byte[]? _modelUtf8;
    private DateTimeOffset? _createdAt;
    private string? _finishReason;
    private UsageDetails? _usage;
    private bool _sawToolCall;

    public ChatCompletionsStreamReader(ProviderConnection connection, string? model)
    {
        _connection = connection;
        _model = model;
        _context = new ProviderRequestContext(connection.Auth.Provider, connection.AuthLabel, model, connection.BaseUrl);
    }

    protected override ChatResponseUpdate? OnEvent(string eventType, ReadOnlySpan<byte> data)
    {
        var trimmed = data.Trim(" \t\r\n"u8);
        if (trimmed.SequenceEqual("[DONE]"u8))
        {
            Completed = true;
            return Final(eventType, data);
        }

        if (trimmed.IsEmpty)
        {
            return null;
        }

        if (eventType == "error")
        {
            StreamError = OpenAIErrorMapper.Instance.Map(null, data, null, _context);
            return null;
        }

        if (eventType != "message")
        {
            _connection.Runtime.Diagnostics.UnknownEvent(_connection.Auth.Provider, eventType, data);
            return null;
        }

        return Chunk(eventType, data);
    }

    private ChatResponseUpdate? Chunk(string eventType, ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("a stream chunk was not a JSON object");
        }

        List<AIContent>? contents = null;
        var finished = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("choices"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                    {
                        finished |= Choice(ref reader, data, ref contents);
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                _id = Cached(ref reader, _id, ref _idUtf8);
            }
            else if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                _model = Cached(ref reader, _model, ref _modelUtf8);
            }
            else if (reader.ValueTextEquals("created"u8))
            {
                reader.Read();
                if (_createdAt is null && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var seconds))
                {
                    _createdAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
                }
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    // Usage comes once per stream: parse that object on its own.
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    _usage = Usage(data[start..(int)reader.BytesConsumed]);
                }
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                // OpenRouter, vLLM and others report a failure mid-stream as a chunk with an error object.
                reader.Read();
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.String)
                {
                    StreamError = OpenAIErrorMapper.Instance.Map(null, data, null, _context);
                }

                reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (finished && _calls.Count > 0)
        {
            FlushCalls(contents ??= []);
        }

        return contents is null ? null : Update(eventType, data, contents);
    }

    /// <summary>One choice object; returns true when it carries a finish_reason.</summary>
    private bool Choice(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, ref List<AIContent>? contents)
    {
        var finished = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("delta"u8) || reader.ValueTextEquals("message"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    Delta(ref reader, data, ref contents);
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("finish_reason"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    _finishReason = FinishReasons.Intern(ref reader);
                    finished = true;
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return finished;
    }

    private void Delta(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, ref List<AIContent>? contents)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content"u8) || reader.ValueTextEquals("refusal"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > 0)
                {
                    // Sized for the usual one content per chunk (a default list would grow to four).
                    (contents ??= new List<AIContent>(1)).Add(new TextContent(reader.GetString()));
                }
            }
            else if (reader.ValueTextEquals("reasoning_content"u8) || reader.ValueTextEquals("reasoning"u8))
            {
                // DeepSeek and vLLM say reasoning_content; OpenRouter and Ollama say reasoning.
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > 0)
                {
                    (contents ??= new List<AIContent>(1)).Add(new TextReasoningContent(reader.GetString()));
                }
            }
            else if (reader.ValueTextEquals("tool_calls"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                    {
                        ToolCallDelta(ref reader, data);
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>
    /// One tool_calls fragment. The first fragment of a call carries its id and name; later ones only argument text.
    /// Fragments are matched by index; a server that omits the index gets one call per new id.
    /// </summary>
    private void ToolCallDelta(ref Utf8JsonReader reader, ReadOnlySpan<byte> data)
    {
        var index = -1;
        string? id = null;
        string? name = null;
        var argumentsAt = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("index"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Number)
                {
                    index = reader.GetInt32();
                }
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > 0 ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("function"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("name"u8))
                    {
                        reader.Read();
                        name = reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > 0 ? reader.GetString() : null;
                    }
                    else if (reader.ValueTextEquals("arguments"u8))
                    {
                        reader.Read();
                        argumentsAt = reader.TokenType == JsonTokenType.String ? (int)reader.TokenStartIndex : -1;
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

        var call = Slot(index, id);
        call.Id ??= id;
        call.Name ??= name;
        if (argumentsAt >= 0)
        {
            var arguments = new Utf8JsonReader(data[argumentsAt..]);
            arguments.Read();
            call.Append(ref arguments);
        }
    }

    private PendingCall Slot(int index, string? id)
    {
        if (index >= 0)
        {
            for (var i = _calls.Count - 1; i >= 0; i--)
            {
                if (_calls[i].Index == index)
                {
                    // A new id at an index already in use is a new call (servers that always send index 0).
                    if (id is null || _calls[i].Id is null || _calls[i].Id == id)
                    {
                        return _calls[i];
                    }

                    break;
                }
            }
        }
        else if (_calls.Count > 0 && (id is null || _calls[^1].Id is null || _calls[^1].Id == id))
        {
            return _calls[^1];
        }

        var added = new PendingCall(index);
        _calls.Add(added);
        return added;
    }

    private void FlushCalls(List<AIContent> contents)
    {
        foreach (var call in _calls)
        {
            contents.Add(ToolArguments.ToCall(call.Id ?? $"call_{Guid.NewGuid():N}", call.Name ?? "", call.Arguments.WrittenSpan));
        }

        _calls.Clear();
        _sawToolCall = true;
    }

    /// <summary>The update for [DONE]: calls not yet flushed, usage when the server sent it, and the finish reason.</summary>
    private ChatResponseUpdate Final(string eventType, ReadOnlySpan<byte> data)
    {
        var contents = new List<AIContent>();
        if (_calls.Count > 0)
        {
            FlushCalls(contents);
        }

        if (_usage is not null)
        {
            contents.Add(new UsageContent(_usage));
        }

        var update = Update(eventType, data, contents);
        update.FinishReason = FinishReasons.ToChat(_finishReason, _sawToolCall);
        if (_finishReason is not null)
        {
            update.AdditionalProperties = new() { ["finish_reason"] = _finishReason };
        }

        return update;
    }

    private ChatResponseUpdate Update(string eventType, ReadOnlySpan<byte> data, List<AIContent> contents) => new()
    {
        Role = ChatRole.Assistant,
        MessageId = _id,
        ResponseId = _id,
        ModelId = _model,
        CreatedAt = _createdAt,
        Contents = contents,
        RawRepresentation = Raw(eventType, data),
    };

    private static UsageDetails? Usage(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        return OpenAIUsage.FromChatCompletions(document.RootElement);
    }

    /// <summary>A string that repeats in every chunk (id, model), allocated only when it changes.</summary>
    private static string? Cached(ref Utf8JsonReader reader, string? current, ref byte[]? currentUtf8)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return current;
        }

        if (currentUtf8 is not null && reader.ValueTextEquals(currentUtf8))
        {
            return current;
        }

        var value = reader.GetString()!;
        currentUtf8 = Encoding.UTF8.GetBytes(value);
        return value;
    }

    private sealed class PendingCall(int index)
    {
        public int Index { get; } = index;

        public string? Id { get; set; }

        public string? Name { get; set; }

        public ArrayBufferWriter<byte> Arguments { get; } = new(256);

        public void Append(ref Utf8JsonReader reader)
        {
            var span = Arguments.GetSpan(Math.Max(1, reader.ValueSpan.Length));
            Arguments.Advance(reader.CopyString(span));
        }
    }
}
