using System.Text.Json;
using Maestro.Core.Errors;
using Maestro.Core.Sessions;
using Maestro.Core.Turns;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Conversations.Transfer;

/// <summary>
/// Reads an <see cref="ExportDocument"/> and imports it as a new session: the whole document is checked first (a clear
/// error naming the field, e.g. "messages[3].blocks[0].call_id"), then the session and its thread are written; if
/// writing the thread fails the new session is removed again, so nothing is ever half-imported.
/// </summary>
public sealed class SessionImporter(SessionService sessions, ISessionStore store, IConversationStore conversations)
{
    /// <summary>Largest export accepted (images are inline, base64).</summary>
    public const long MaxBytes = 25L * 1024 * 1024;

    /// <summary>Parses and checks an export; throws <see cref="ValidationFailedException"/> naming what is wrong.</summary>
    public static (ExportDocument Document, IReadOnlyList<ImportedMessage> Messages) Read(ReadOnlySpan<byte> json)
    {
        CheckHeader(json);
        ExportDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<ExportDocument>(json, TransferJson.Options);
        }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 1 } path ? path.TrimStart('$', '.') : "file";
            throw new ValidationFailedException(field, $"This is not a valid Maestro export: {FirstSentence(ex.Message)}");
        }

        if (document is null)
        {
            throw new ValidationFailedException("file", "The file is empty (null): expected a Maestro export object.");
        }

        if (document.Format != ExportDocument.FormatName)
        {
            throw new ValidationFailedException("format", $"'{document.Format}' is not a Maestro export: format must be \"{ExportDocument.FormatName}\".");
        }

        if (document.Version != ExportDocument.CurrentVersion)
        {
            throw new ValidationFailedException("version",
                $"Export version {document.Version} is not supported: this Maestro reads version {ExportDocument.CurrentVersion}.");
        }

        if (string.IsNullOrWhiteSpace(document.Session.Model))
        {
            throw new ValidationFailedException("session.model", "The session's model is empty.");
        }

        return (document, Messages(document.Messages));
    }

    /// <param name="name">The new session's name (default: the exported one).</param>
    /// <param name="auth">provider/name of the auth to use (default: the exported one).</param>
    public async Task<Session> ImportAsync(ReadOnlyMemory<byte> json, string? name, string? auth, CancellationToken cancellationToken)
    {
        if (json.Length > MaxBytes)
        {
            throw new ValidationFailedException("file", $"The export is {json.Length / (1024 * 1024)} MB: at most {MaxBytes / (1024 * 1024)} MB can be imported.");
        }

        var (document, messages) = Read(json.Span);
        var sessionName = string.IsNullOrWhiteSpace(name) ? document.Session.Name : name.Trim();
        if (await store.FindAsync(sessionName, cancellationToken) is not null)
        {
            throw new ConflictException($"A session named '{sessionName}' already exists.", "name",
                "Import it under another name (--name in the CLI, ?name= in the API, the Name field in the form).");
        }

        var authRef = string.IsNullOrWhiteSpace(auth) ? document.Session.Auth : auth.Trim();
        if (string.IsNullOrWhiteSpace(authRef))
        {
            throw new ValidationFailedException("auth", "The export names no auth: choose one (--auth provider/name, ?auth= in the API).");
        }

        Session session;
        try
        {
            session = await sessions.CreateAsync(new SessionSpec
            {
                Name = sessionName,
                Auth = authRef,
                Model = document.Session.Model,
                SystemPrompt = document.Session.SystemPrompt,
            }, cancellationToken);
        }
        catch (ValidationFailedException ex) when (ex.Errors.ContainsKey("auth") && string.IsNullOrWhiteSpace(auth))
        {
            throw new ValidationFailedException("auth",
                $"The export used the auth '{authRef}', which is not usable here ({string.Join(" ", ex.Errors["auth"])}). Choose another: --auth provider/name in the CLI, ?auth= in the API.");
        }

        try
        {
            await conversations.ImportThreadAsync(session.Id, $"Imported from {document.Session.Name}", messages, cancellationToken);
        }
        catch
        {
            // Nothing half-imported: the session goes with its failed thread.
            await sessions.DeleteAsync(session.Id, CancellationToken.None);
            throw;
        }

        return await sessions.GetAsync(session.Id, cancellationToken);
    }

    /// <summary>What the file is, first: another tool's JSON or a newer export is named as such, not as a missing field.</summary>
    private static void CheckHeader(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new ValidationFailedException("file", "This is not a Maestro export: expected a JSON object with \"format\": \"maestro.session\".");
            }

            string? format = null;
            int? version = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
            {
                var property = reader.GetString();
                reader.Read();
                if (property == "format" && reader.TokenType == JsonTokenType.String)
                {
                    format = reader.GetString();
                }
                else if (property == "version" && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var v))
                {
                    version = v;
                }
                else
                {
                    reader.Skip();
                }
            }

            if (format != ExportDocument.FormatName)
            {
                throw new ValidationFailedException("format", format is null
                    ? $"This is not a Maestro export: \"format\": \"{ExportDocument.FormatName}\" is missing."
                    : $"'{format}' is not a Maestro export: format must be \"{ExportDocument.FormatName}\".");
            }

            if (version is not null && version != ExportDocument.CurrentVersion)
            {
                throw new ValidationFailedException("version",
                    $"Export version {version} is not supported: this Maestro reads version {ExportDocument.CurrentVersion}.");
            }
        }
        catch (JsonException ex)
        {
            throw new ValidationFailedException("file", $"This is not valid JSON: {FirstSentence(ex.Message)}");
        }
    }

    private static List<ImportedMessage> Messages(IReadOnlyList<ExportedMessage> exported)
    {
        var messages = new List<ImportedMessage>(exported.Count);
        var unanswered = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < exported.Count; i++)
        {
            var m = exported[i];
            var at = $"messages[{i}]";
            var role = m.Role switch
            {
                "user" => MessageRole.User,
                "assistant" => MessageRole.Assistant,
                "tool" => MessageRole.Tool,
                "summary" => MessageRole.Summary,
                _ => throw new ValidationFailedException($"{at}.role", $"'{m.Role}' is not a role: use user, assistant, tool or summary."),
            };
            var status = m.Status switch
            {
                "complete" => MessageStatus.Complete,
                "interrupted" or "streaming" => MessageStatus.Interrupted,
                "error" => MessageStatus.Error,
                "cancelled" => MessageStatus.Cancelled,
                _ => throw new ValidationFailedException($"{at}.status", $"'{m.Status}' is not a status: use complete, interrupted, error or cancelled."),
            };
            var contents = new List<AIContent>(m.Blocks.Count);
            for (var j = 0; j < m.Blocks.Count; j++)
            {
                contents.Add(Content(m.Blocks[j], role, $"{at}.blocks[{j}]", unanswered));
            }

            var usage = m.Usage is { } u
                ? new UsageDetails
                {
                    InputTokenCount = u.InputTokens,
                    OutputTokenCount = u.OutputTokens,
                    CachedInputTokenCount = u.CachedInputTokens,
                    ReasoningTokenCount = u.ReasoningTokens,
                    TotalTokenCount = u.TotalTokens,
                }
                : null;
            messages.Add(new ImportedMessage(role, contents, status, m.Provider, m.Model, m.Auth, usage, m.LatencyMs, m.FirstTokenMs, m.Error,
                m.InContext, m.CreatedAt));
        }

        return messages;
    }

    private static AIContent Content(ExportedBlock b, MessageRole role, string at, HashSet<string> unanswered)
    {
        switch (b.Type)
        {
            case "text":
                return new TextContent(b.Text ?? throw Missing(at, "text"));
            case "reasoning":
                // Only the text: a provider accepts only its own signed reasoning back, so the model never sees it again.
                return new TextReasoningContent(b.Text ?? throw Missing(at, "text"));
            case "tool_call":
                RequireRole(role, MessageRole.Assistant, at, "tool_call");
                var callId = b.CallId is { Length: > 0 } id ? id : throw Missing(at, "call_id");
                var name = b.Name is { Length: > 0 } n ? n : throw Missing(at, "name");
                if (b.Arguments is { } args && args.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                {
                    throw new ValidationFailedException($"{at}.arguments", "Arguments must be a JSON object.");
                }

                unanswered.Add(callId);
                return new FunctionCallContent(callId, name, b.Arguments is { ValueKind: JsonValueKind.Object } obj
                    ? JsonSerializer.Deserialize<Dictionary<string, object?>>(obj.GetRawText(), AIJsonUtilities.DefaultOptions)
                    : new Dictionary<string, object?>());
            case "tool_result":
                RequireRole(role, MessageRole.Tool, at, "tool_result");
                var resultId = b.CallId is { Length: > 0 } rid ? rid : throw Missing(at, "call_id");
                if (!unanswered.Remove(resultId))
                {
                    throw new ValidationFailedException($"{at}.call_id", $"No earlier tool_call with call_id '{resultId}' waits for this result.");
                }

                var result = new FunctionResultContent(resultId, b.Result ?? "") { AdditionalProperties = [] };
                if (b.Name is not null)
                {
                    result.AdditionalProperties["tool"] = b.Name;
                }

                if (b.DurationMs is { } ms)
                {
                    result.AdditionalProperties["duration_ms"] = ms;
                }

                if (b.IsError == true)
                {
                    result.AdditionalProperties["is_error"] = true;
                }

                if (b.Approval is { } decision)
                {
                    if (decision is not ("approved" or "approved_session" or "denied"))
                    {
                        throw new ValidationFailedException($"{at}.approval", $"'{decision}' is not a decision: use approved, approved_session or denied.");
                    }

                    new ToolDecision(decision, b.ApprovalReason).ApplyTo(result.AdditionalProperties);
                }

                return result;
            case "image" or "file":
                var mediaType = b.MediaType is { Length: > 0 } mt ? mt : throw Missing(at, "media_type");
                var data = b.Data ?? throw Missing(at, "data");
                byte[] bytes;
                try
                {
                    bytes = Convert.FromBase64String(data);
                }
                catch (FormatException)
                {
                    throw new ValidationFailedException($"{at}.data", "Data is not valid base64.");
                }

                try
                {
                    return new DataContent(bytes, mediaType) { Name = b.FileName };
                }
                catch (ArgumentException)
                {
                    throw new ValidationFailedException($"{at}.media_type", $"'{mediaType}' is not a media type (like image/png or text/plain).");
                }

            default:
                throw new ValidationFailedException($"{at}.type", $"'{b.Type}' is not a block type: use text, reasoning, tool_call, tool_result, image or file.");
        }
    }

    private static void RequireRole(MessageRole role, MessageRole expected, string at, string type)
    {
        if (role != expected)
        {
            throw new ValidationFailedException($"{at}.type", $"A {type} block belongs in a{(expected == MessageRole.Assistant ? "n assistant" : " tool")} message, not a {role.ToWire()} message.");
        }
    }

    private static ValidationFailedException Missing(string at, string field) => new($"{at}.{field}", $"{field} is required for this block.");

    /// <summary>The deserializer's message without its type names and positions: what is missing, or what is wrong.</summary>
    private static string FirstSentence(string message)
    {
        var first = message.Split(" Path:", 2)[0];
        var missing = System.Text.RegularExpressions.Regex.Match(first, "missing required properties including: (.+?)\\.?$");
        return missing.Success ? $"missing {missing.Groups[1].Value.TrimEnd('.')}." : first;
    }
}
