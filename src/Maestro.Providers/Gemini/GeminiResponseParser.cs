using System.Text;
using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Maestro.Providers.Shared;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Gemini;

/// <summary>
/// Parses Gemini's <c>GenerateContentResponse</c> — one streamed chunk, or a whole non-streaming body — straight from
/// its UTF-8 bytes, and keeps what spans chunks: usage (Gemini repeats it, cumulatively, on every chunk: only the
/// last one counts), the finish reason, whether a function call was made, and the ids of calls Gemini left unnamed.
/// </summary>
/// <remarks>
/// Parts map as follows: <c>text</c> → TextContent; <c>text</c> + <c>thought: true</c> → TextReasoningContent;
/// a <c>thoughtSignature</c> on a text or thought part → a following TextReasoningContent("") with ProtectedData; on a
/// <c>functionCall</c> → AdditionalProperties["thought_signature"] of the FunctionCallContent; <c>executableCode</c> /
/// <c>codeExecutionResult</c> (Gemini's own code execution) → CodeInterpreterToolCallContent /
/// CodeInterpreterToolResultContent (informational: Gemini already ran the code); <c>inlineData</c> (generated images)
/// → DataContent; <c>fileData</c> → UriContent. Only the first candidate is read (Maestro never asks for more).
/// </remarks>
internal sealed class GeminiResponseParser(string requestedModel, StreamDiagnostics? diagnostics = null, string provider = "gemini")
{
    private readonly List<PendingCall> _pendingCalls = [];
    private string? _responseId;
    private string? _modelVersion;
    private int _calls;
    private int _codeBlocks;
    private string? _lastCodeId;
    private bool _hasUsage;
    private long _prompt;
    private long _candidates;
    private long _thoughts;
    private long _cached;
    private long _toolUsePrompt;
    private long? _total;

    /// <summary>A candidate carried a finishReason: Gemini's completion signal.</summary>
    public bool Finished { get; private set; }

    public string? FinishReason { get; private set; }

    public string? FinishMessage { get; private set; }

    public bool MadeFunctionCalls => _calls > 0;

    /// <summary><c>promptFeedback.blockReason</c>: the prompt itself was refused, no candidate follows.</summary>
    public string? BlockReason { get; private set; }

    public string? BlockReasonMessage { get; private set; }

    /// <summary>The chunk was an error object (<c>{"error": {...}}</c>), to be mapped by the error mapper.</summary>
    public bool HasError { get; private set; }

    /// <summary>The last chunk parsed had none of the fields this parser knows.</summary>
    public bool LastWasUnknown { get; private set; }

    public string? ResponseId => _responseId;

    /// <summary>
    /// The id to use when the response names none (Code Assist gives its <c>traceId</c> beside the response instead), so
    /// generated call ids stay unique in the conversation.
    /// </summary>
    public void UseResponseIdIfMissing(string? id) => _responseId ??= id;

    public string ModelId => _modelVersion ?? requestedModel;

    /// <summary>Parses one response object; returns the contents of its first candidate, or null when there are none.</summary>
    /// <exception cref="JsonException">The bytes are not one JSON object.</exception>
    public List<AIContent>? Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("a Gemini response must be a JSON object");
        }

        List<AIContent>? contents = null;
        var known = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("candidates"u8))
            {
                reader.Read();
                ReadCandidates(ref reader, json, ref contents);
                known = true;
            }
            else if (reader.ValueTextEquals("usageMetadata"u8))
            {
                reader.Read();
                ReadUsage(ref reader);
                known = true;
            }
            else if (reader.ValueTextEquals("responseId"u8))
            {
                reader.Read();
                _responseId = Reuse(ref reader, _responseId);
            }
            else if (reader.ValueTextEquals("modelVersion"u8))
            {
                reader.Read();
                _modelVersion = Reuse(ref reader, _modelVersion);
            }
            else if (reader.ValueTextEquals("promptFeedback"u8))
            {
                reader.Read();
                ReadPromptFeedback(ref reader);
                known = true;
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                HasError = true;
                known = true;
                reader.Skip();
            }
            else
            {
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException("a Gemini response object did not end where expected");
        }

        LastWasUnknown = !known;
        if (_pendingCalls.Count > 0)
        {
            CompleteCalls(json, contents!);
        }

        return contents;
    }

    /// <summary>An update carrying one chunk's contents, with the ids Gemini gave.</summary>
    public ChatResponseUpdate Update(IList<AIContent> contents, RawProviderEvent? raw) => new()
    {
        Role = ChatRole.Assistant,
        Contents = contents,
        ResponseId = _responseId,
        MessageId = _responseId,
        ModelId = ModelId,
        RawRepresentation = raw,
    };

    /// <summary>The last update: the one UsageContent with the final totals, and the finish reason.</summary>
    public ChatResponseUpdate FinalUpdate(RawProviderEvent? raw) => new()
    {
        Role = ChatRole.Assistant,
        Contents = [new UsageContent(Usage())],
        ResponseId = _responseId,
        MessageId = _responseId,
        ModelId = ModelId,
        FinishReason = MapFinishReason(),
        AdditionalProperties = FinishProperties(),
        RawRepresentation = raw,
    };

    /// <summary>
    /// Usage from the last usageMetadata. Input = promptTokenCount + toolUsePromptTokenCount (the code execution or
    /// search results Gemini fed itself, billed as input); output = candidatesTokenCount + thoughtsTokenCount (Gemini
    /// counts thoughts apart from the answer but bills them as output, and its totalTokenCount adds them in), with the
    /// thoughts also reported as ReasoningTokenCount; cachedContentTokenCount → CachedInputTokenCount.
    /// </summary>
    public UsageDetails Usage()
    {
        if (!_hasUsage)
        {
            return new UsageDetails();
        }

        var usage = new UsageDetails
        {
            InputTokenCount = _prompt + _toolUsePrompt,
            OutputTokenCount = _candidates + _thoughts,
            TotalTokenCount = _total ?? (_prompt + _toolUsePrompt + _candidates + _thoughts),
            ReasoningTokenCount = _thoughts,
            CachedInputTokenCount = _cached,
        };
        if (_toolUsePrompt > 0)
        {
            usage.AdditionalCounts = new AdditionalPropertiesDictionary<long> { ["tool_use_prompt_tokens"] = _toolUsePrompt };
        }

        return usage;
    }

    /// <summary>
    /// STOP → Stop (ToolCalls when the response called functions: Gemini says STOP either way); MAX_TOKENS → Length;
    /// SAFETY, RECITATION, BLOCKLIST, PROHIBITED_CONTENT, SPII and the IMAGE_* safety reasons → ContentFilter; any
    /// other reason (OTHER, LANGUAGE, MALFORMED_FUNCTION_CALL, …) → Stop/ToolCalls with the raw reason kept.
    /// </summary>
    public ChatFinishReason? MapFinishReason() => FinishReason switch
    {
        null => null,
        "MAX_TOKENS" => ChatFinishReason.Length,
        "SAFETY" or "RECITATION" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII" or
            "IMAGE_SAFETY" or "IMAGE_PROHIBITED_CONTENT" or "IMAGE_RECITATION" => ChatFinishReason.ContentFilter,
        _ => _calls > 0 ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop,
    };

    public AdditionalPropertiesDictionary? FinishProperties()
    {
        if (FinishReason is null)
        {
            return null;
        }

        var properties = new AdditionalPropertiesDictionary { [GeminiProperties.FinishReason] = FinishReason };
        if (FinishMessage is not null)
        {
            properties[GeminiProperties.FinishMessage] = FinishMessage;
        }

        return properties;
    }

    private void ReadCandidates(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ref List<AIContent>? contents)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        var position = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (position++ == 0 && reader.TokenType == JsonTokenType.StartObject)
            {
                ReadCandidate(ref reader, json, ref contents);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private void ReadCandidate(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ref List<AIContent>? contents)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                ReadContent(ref reader, json, ref contents);
            }
            else if (reader.ValueTextEquals("finishReason"u8))
            {
                reader.Read();
                FinishReason = reader.GetString();
                Finished = true;
            }
            else if (reader.ValueTextEquals("finishMessage"u8))
            {
                reader.Read();
                FinishMessage = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private void ReadContent(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ref List<AIContent>? contents)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("parts"u8))
            {
                reader.Skip();
                continue;
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadPart(ref reader, json, ref contents);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
    }

    private void ReadPart(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ref List<AIContent>? contents)
    {
        string? text = null;
        string? signature = null;
        var thought = false;
        PendingCall? call = null;
        AIContent? other = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("text"u8))
            {
                reader.Read();
                text = reader.GetString();
            }
            else if (reader.ValueTextEquals("thought"u8))
            {
                reader.Read();
                thought = reader.TokenType == JsonTokenType.True;
            }
            else if (reader.ValueTextEquals("thoughtSignature"u8))
            {
                reader.Read();
                signature = reader.GetString();
            }
            else if (reader.ValueTextEquals("functionCall"u8))
            {
                reader.Read();
                call = ReadFunctionCall(ref reader);
            }
            else if (reader.ValueTextEquals("executableCode"u8))
            {
                reader.Read();
                other = ReadExecutableCode(ref reader);
            }
            else if (reader.ValueTextEquals("codeExecutionResult"u8))
            {
                reader.Read();
                other = ReadCodeExecutionResult(ref reader);
            }
            else if (reader.ValueTextEquals("inlineData"u8))
            {
                reader.Read();
                other = ReadInlineData(ref reader);
            }
            else if (reader.ValueTextEquals("fileData"u8))
            {
                reader.Read();
                other = ReadFileData(ref reader);
            }
            else if (reader.ValueTextEquals("partMetadata"u8) || reader.ValueTextEquals("videoMetadata"u8))
            {
                reader.Skip();
            }
            else
            {
                // A part kind this adapter does not know yet: skipped, and logged when STREAM_LOG_UNKNOWN_EVENTS=1.
                if (diagnostics is { Enabled: true })
                {
                    diagnostics.UnknownEvent(provider, "part." + reader.GetString(), json);
                }

                reader.Skip();
            }
        }

        if (call is { } pending)
        {
            contents ??= new List<AIContent>(1);
            _pendingCalls.Add(pending with { Index = contents.Count, Signature = signature });
            contents.Add(null!);
            return;
        }

        if (other is not null)
        {
            if (signature is not null)
            {
                (other.AdditionalProperties ??= [])[GeminiProperties.ThoughtSignature] = signature;
            }

            (contents ??= new List<AIContent>(1)).Add(other);
            return;
        }

        if (!string.IsNullOrEmpty(text))
        {
            // Sized for the usual one part per chunk (a default list would grow to four).
            (contents ??= new List<AIContent>(1)).Add(thought ? new TextReasoningContent(text) : new TextContent(text));
        }

        if (signature is not null)
        {
            (contents ??= new List<AIContent>(1)).Add(new TextReasoningContent("") { ProtectedData = signature });
        }
    }

    private static PendingCall ReadFunctionCall(ref Utf8JsonReader reader)
    {
        string? id = null;
        var name = "";
        int argsStart = 0, argsLength = 0;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return new PendingCall(id, name, argsStart, argsLength);
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                name = reader.GetString() ?? "";
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = reader.GetString();
            }
            else if (reader.ValueTextEquals("args"u8))
            {
                reader.Read();
                argsStart = (int)reader.TokenStartIndex;
                reader.Skip();
                argsLength = (int)reader.BytesConsumed - argsStart;
            }
            else
            {
                reader.Skip();
            }
        }

        return new PendingCall(id, name, argsStart, argsLength);
    }

    /// <summary>
    /// Creates the chunk's function calls once the whole chunk is read: Gemini's responseId comes after the candidates,
    /// and a call without Gemini's own id gets <c>call_{responseId}_{n}</c> — unique in the conversation (a result is
    /// matched to its call's name by id) and the same however the stream was cut.
    /// </summary>
    private void CompleteCalls(ReadOnlySpan<byte> json, List<AIContent> contents)
    {
        foreach (var pending in _pendingCalls)
        {
            var id = pending.Id is { Length: > 0 } given ? given : $"call_{_responseId ?? "gemini"}_{_calls}";
            _calls++;
            var call = ToolArguments.ToCall(id, pending.Name, json.Slice(pending.ArgsStart, pending.ArgsLength));
            if (pending.Signature is not null)
            {
                (call.AdditionalProperties ??= [])[GeminiProperties.ThoughtSignature] = pending.Signature;
            }

            contents[pending.Index] = call;
        }

        _pendingCalls.Clear();
    }

    private CodeInterpreterToolCallContent ReadExecutableCode(ref Utf8JsonReader reader)
    {
        string? language = null, code = null, id = null;
        ReadStrings(ref reader, "language"u8, ref language, "code"u8, ref code, "id"u8, ref id);
        id ??= $"code_{_responseId ?? "gemini"}_{_codeBlocks}";
        _codeBlocks++;
        _lastCodeId = id;
        return new CodeInterpreterToolCallContent(id)
        {
            Inputs = [new DataContent(Encoding.UTF8.GetBytes(code ?? ""), "text/x-python")],
            AdditionalProperties = new AdditionalPropertiesDictionary { [GeminiProperties.Language] = language ?? "PYTHON" },
        };
    }

    private CodeInterpreterToolResultContent ReadCodeExecutionResult(ref Utf8JsonReader reader)
    {
        string? outcome = null, output = null, id = null;
        ReadStrings(ref reader, "outcome"u8, ref outcome, "output"u8, ref output, "id"u8, ref id);
        // Without Gemini's id, a result belongs to the code block just before it.
        return new CodeInterpreterToolResultContent(id ?? _lastCodeId ?? "")
        {
            Outputs = [new TextContent(output ?? "")],
            AdditionalProperties = new AdditionalPropertiesDictionary { [GeminiProperties.Outcome] = outcome ?? "OUTCOME_OK" },
        };
    }

    private static DataContent? ReadInlineData(ref Utf8JsonReader reader)
    {
        string? mimeType = null;
        byte[]? data = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("mimeType"u8))
            {
                reader.Read();
                mimeType = reader.GetString();
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                data = reader.GetBytesFromBase64();
            }
            else
            {
                reader.Skip();
            }
        }

        return data is null ? null : new DataContent(data, mimeType ?? "application/octet-stream");
    }

    private static UriContent? ReadFileData(ref Utf8JsonReader reader)
    {
        string? mimeType = null, uri = null, unused = null;
        ReadStrings(ref reader, "mimeType"u8, ref mimeType, "fileUri"u8, ref uri, "\0"u8, ref unused);
        return uri is not null && Uri.TryCreate(uri, UriKind.Absolute, out var parsed)
            ? new UriContent(parsed, mimeType ?? "application/octet-stream")
            : null;
    }

    private static void ReadStrings(
        ref Utf8JsonReader reader,
        ReadOnlySpan<byte> name1, ref string? value1,
        ReadOnlySpan<byte> name2, ref string? value2,
        ReadOnlySpan<byte> name3, ref string? value3)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(name1))
            {
                reader.Read();
                value1 = reader.GetString();
            }
            else if (reader.ValueTextEquals(name2))
            {
                reader.Read();
                value2 = reader.GetString();
            }
            else if (reader.ValueTextEquals(name3))
            {
                reader.Read();
                value3 = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private void ReadUsage(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        // Each usageMetadata is a complete snapshot: a count it leaves out is zero now.
        _hasUsage = true;
        _prompt = _candidates = _thoughts = _cached = _toolUsePrompt = 0;
        _total = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("promptTokenCount"u8))
            {
                reader.Read();
                _prompt = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("candidatesTokenCount"u8))
            {
                reader.Read();
                _candidates = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("thoughtsTokenCount"u8))
            {
                reader.Read();
                _thoughts = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("cachedContentTokenCount"u8))
            {
                reader.Read();
                _cached = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("toolUsePromptTokenCount"u8))
            {
                reader.Read();
                _toolUsePrompt = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("totalTokenCount"u8))
            {
                reader.Read();
                _total = reader.GetInt64();
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private void ReadPromptFeedback(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("blockReason"u8))
            {
                reader.Read();
                BlockReason = reader.GetString();
            }
            else if (reader.ValueTextEquals("blockReasonMessage"u8))
            {
                reader.Read();
                BlockReasonMessage = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }
    }

    /// <summary>Every chunk repeats the responseId and modelVersion: keep the string already made when the bytes match.</summary>
    private static string? Reuse(ref Utf8JsonReader reader, string? current) =>
        reader.TokenType != JsonTokenType.String ? current
        : current is not null && reader.ValueTextEquals(current) ? current
        : reader.GetString();

    private readonly record struct PendingCall(string? Id, string Name, int ArgsStart, int ArgsLength)
    {
        public int Index { get; init; }

        public string? Signature { get; init; }
    }
}
