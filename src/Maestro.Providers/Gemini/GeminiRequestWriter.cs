using System.Text;
using System.Text.Json;
using Maestro.Core.Errors;
using Maestro.Core.Text;
using Maestro.Providers.Shared;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Gemini;

/// <summary>
/// ChatMessages + ChatOptions → the generateContent body (<c>contents</c>, <c>systemInstruction</c>, <c>tools</c>,
/// <c>toolConfig</c>, <c>generationConfig</c>), written with Utf8JsonWriter. Validates first, so a bad request fails
/// with <see cref="ValidationFailedException"/> before anything is sent.
/// </summary>
/// <remarks>
/// History rules: assistant messages become <c>model</c> turns, everything else <c>user</c> turns; tool results are
/// always user <c>functionResponse</c> parts and calls always model <c>functionCall</c> parts; consecutive parts with
/// the same role share one turn (parallel results must arrive together). System messages join the system
/// instruction. Thought signatures go back on the part they came with: a signature-only TextReasoningContent rides on
/// the text or thought part just before it, else it becomes an empty text part carrying the signature.
/// </remarks>
internal sealed class GeminiRequestWriter
{
    /// <summary>
    /// Gemini 3 rejects a model turn whose function call lacks a thought signature (history from another model, or
    /// compacted). Google documents this value for that case: it tells the validator to skip the check.
    /// </summary>
    internal const string SkipSignatureValidator = "skip_thought_signature_validator";

    private readonly Utf8JsonWriter _writer;
    private readonly GeminiModel _model;
    private readonly Dictionary<string, string> _callNames;
    private string? _openRole;
    private bool _callInTurn;

    private GeminiRequestWriter(Utf8JsonWriter writer, GeminiModel model, Dictionary<string, string> callNames)
    {
        _writer = writer;
        _model = model;
        _callNames = callNames;
    }

    public static GeminiRequest Build(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var model = GeminiRequestValidator.Validate(list, options);
        var callNames = CallNames(list);

        using var buffer = new PooledBufferWriter();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            var body = new GeminiRequestWriter(writer, model, callNames);
            writer.WriteStartObject();
            body.WriteContents(list);
            GeminiSystemInstructionWriter.WriteSystemInstruction(writer, list, options);
            var declarations = GeminiToolsWriter.WriteTools(writer, options);
            if (declarations)
            {
                GeminiToolsWriter.WriteToolConfig(writer, options?.ToolMode);
            }

            GeminiGenerationConfigWriter.WriteGenerationConfig(writer, model, options);
            writer.WriteEndObject();
        }

        return new GeminiRequest(model, buffer.ToArray());
    }

    /// <summary>Gemini matches a function response to its call by name, which FunctionResultContent does not carry.</summary>
    private static Dictionary<string, string> CallNames(IReadOnlyList<ChatMessage> messages)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            foreach (var content in message.Contents)
            {
                if (content is FunctionCallContent call)
                {
                    names[call.CallId] = call.Name;
                }
            }
        }

        return names;
    }

    private void WriteContents(IReadOnlyList<ChatMessage> messages)
    {
        _writer.WriteStartArray("contents");
        foreach (var message in messages)
        {
            if (message.Role == ChatRole.System)
            {
                continue;
            }

            var role = message.Role == ChatRole.Assistant ? "model" : "user";
            var contents = message.Contents;
            for (var i = 0; i < contents.Count; i++)
            {
                // A signature-only reasoning content right after a text/thought part belongs to that part.
                var next = i + 1 < contents.Count && role == "model" ? SignatureOnly(contents[i + 1]) : null;
                if (WritePart(contents[i], role, next))
                {
                    i++;
                }
            }
        }

        CloseTurn();
        _writer.WriteEndArray();
    }

    /// <summary>Writes one content as a part; returns true when it also consumed <paramref name="nextSignature"/>.</summary>
    private bool WritePart(AIContent content, string role, string? nextSignature)
    {
        switch (content)
        {
            case TextContent text when role == "model":
                if (string.IsNullOrEmpty(text.Text) && nextSignature is null)
                {
                    return false;
                }

                OpenTurn(role);
                WriteTextPart(text.Text, thought: false, nextSignature);
                return nextSignature is not null;

            case TextContent text:
                if (!string.IsNullOrEmpty(text.Text))
                {
                    OpenTurn(role);
                    WriteTextPart(text.Text, thought: false, null);
                }

                return false;

            case TextReasoningContent reasoning when role == "model":
                if (!string.IsNullOrEmpty(reasoning.Text))
                {
                    var signature = reasoning.ProtectedData ?? nextSignature;
                    OpenTurn(role);
                    WriteTextPart(reasoning.Text, thought: true, signature);
                    return reasoning.ProtectedData is null && nextSignature is not null;
                }

                if (reasoning.ProtectedData is { Length: > 0 } alone)
                {
                    OpenTurn(role);
                    WriteTextPart("", thought: false, alone);
                }

                return false;

            case DataContent data:
                OpenTurn(role);
                _writer.WriteStartObject();
                _writer.WriteStartObject("inlineData");
                _writer.WriteString("mimeType", data.MediaType);
                _writer.WriteBase64String("data", data.Data.Span);
                _writer.WriteEndObject();
                _writer.WriteEndObject();
                return false;

            case UriContent uri:
                OpenTurn(role);
                _writer.WriteStartObject();
                _writer.WriteStartObject("fileData");
                _writer.WriteString("mimeType", uri.MediaType);
                _writer.WriteString("fileUri", uri.Uri.ToString());
                _writer.WriteEndObject();
                _writer.WriteEndObject();
                return false;

            case FunctionCallContent call:
                WriteFunctionCall(call);
                return false;

            case FunctionResultContent result:
                WriteFunctionResponse(result);
                return false;

            case CodeInterpreterToolCallContent code when role == "model":
                WriteExecutableCode(code);
                return false;

            case CodeInterpreterToolResultContent output when role == "model":
                WriteCodeExecutionResult(output);
                return false;

            default:
                // Usage, errors and other bookkeeping contents are not part of the conversation.
                return false;
        }
    }

    private void WriteTextPart(string text, bool thought, string? signature)
    {
        _writer.WriteStartObject();
        _writer.WriteString("text", text);
        if (thought)
        {
            _writer.WriteBoolean("thought", true);
        }

        if (signature is not null)
        {
            _writer.WriteString("thoughtSignature", signature);
        }

        _writer.WriteEndObject();
    }

    private void WriteFunctionCall(FunctionCallContent call)
    {
        OpenTurn("model");
        var signature = GeminiProperties.Signature(call.AdditionalProperties);
        if (signature is null && !_callInTurn && _model.IsGemini3OrLater)
        {
            signature = SkipSignatureValidator;
        }

        _callInTurn = true;
        _writer.WriteStartObject();
        _writer.WriteStartObject("functionCall");
        _writer.WriteString("id", call.CallId);
        _writer.WriteString("name", call.Name);
        _writer.WritePropertyName("args");
        ToolArguments.WriteObject(_writer, call.Arguments);
        _writer.WriteEndObject();
        if (signature is not null)
        {
            _writer.WriteString("thoughtSignature", signature);
        }

        _writer.WriteEndObject();
    }

    private void WriteFunctionResponse(FunctionResultContent result)
    {
        if (!_callNames.TryGetValue(result.CallId, out var name))
        {
            throw new ValidationFailedException(
                "messages", $"The tool result for call '{result.CallId}' has no matching tool call earlier in the conversation; Gemini needs the function's name.");
        }

        OpenTurn("user");
        _writer.WriteStartObject();
        _writer.WriteStartObject("functionResponse");
        _writer.WriteString("id", result.CallId);
        _writer.WriteString("name", name);
        _writer.WritePropertyName("response");
        WriteResponseObject(result);
        _writer.WriteEndObject();
        _writer.WriteEndObject();
    }

    /// <summary>
    /// <c>response</c> must be a JSON object. Google's convention: an object result is the output itself, anything else
    /// goes under "output", and a failure under "error".
    /// </summary>
    private void WriteResponseObject(FunctionResultContent result)
    {
        if (result.Exception is { } exception)
        {
            _writer.WriteStartObject();
            _writer.WriteString("error", exception.Message);
            _writer.WriteEndObject();
            return;
        }

        var value = result.Result switch
        {
            null => default,
            JsonElement element => element,
            string => default,
            var other => JsonSerializer.SerializeToElement(other, other.GetType(), AIJsonUtilities.DefaultOptions),
        };
        if (value.ValueKind == JsonValueKind.Object)
        {
            ParsedJson.WriteValue(_writer, value);
            return;
        }

        _writer.WriteStartObject();
        _writer.WritePropertyName("output");
        if (result.Result is string text)
        {
            _writer.WriteStringValue(text);
        }
        else if (value.ValueKind == JsonValueKind.Undefined)
        {
            _writer.WriteNullValue();
        }
        else
        {
            ParsedJson.WriteValue(_writer, value);
        }

        _writer.WriteEndObject();
    }

    private void WriteExecutableCode(CodeInterpreterToolCallContent code)
    {
        var source = new StringBuilder();
        foreach (var input in code.Inputs ?? [])
        {
            if (input is DataContent data)
            {
                source.Append(Encoding.UTF8.GetString(data.Data.Span));
            }
            else if (input is TextContent text)
            {
                source.Append(text.Text);
            }
        }

        OpenTurn("model");
        _writer.WriteStartObject();
        _writer.WriteStartObject("executableCode");
        _writer.WriteString("language", GeminiProperties.String(code.AdditionalProperties, GeminiProperties.Language) ?? "PYTHON");
        _writer.WriteString("code", source.ToString());
        if (code.CallId is { Length: > 0 } id)
        {
            _writer.WriteString("id", id);
        }

        _writer.WriteEndObject();
        if (GeminiProperties.Signature(code.AdditionalProperties) is { } signature)
        {
            _writer.WriteString("thoughtSignature", signature);
        }

        _writer.WriteEndObject();
    }

    private void WriteCodeExecutionResult(CodeInterpreterToolResultContent result)
    {
        var output = new StringBuilder();
        foreach (var item in result.Outputs ?? [])
        {
            if (item is TextContent text)
            {
                output.Append(text.Text);
            }
        }

        OpenTurn("model");
        _writer.WriteStartObject();
        _writer.WriteStartObject("codeExecutionResult");
        _writer.WriteString("outcome", GeminiProperties.String(result.AdditionalProperties, GeminiProperties.Outcome) ?? "OUTCOME_OK");
        _writer.WriteString("output", output.ToString());
        if (result.CallId is { Length: > 0 } id)
        {
            _writer.WriteString("id", id);
        }

        _writer.WriteEndObject();
        _writer.WriteEndObject();
    }

    private void OpenTurn(string role)
    {
        if (_openRole == role)
        {
            return;
        }

        CloseTurn();
        _writer.WriteStartObject();
        _writer.WriteString("role", role);
        _writer.WriteStartArray("parts");
        _openRole = role;
        _callInTurn = false;
    }

    private void CloseTurn()
    {
        if (_openRole is null)
        {
            return;
        }

        _writer.WriteEndArray();
        _writer.WriteEndObject();
        _openRole = null;
    }

    private static string? SignatureOnly(AIContent content) =>
        content is TextReasoningContent { Text.Length: 0, ProtectedData: { Length: > 0 } signature } ? signature : null;

}
