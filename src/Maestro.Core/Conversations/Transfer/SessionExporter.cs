using System.Text.Json;
using Maestro.Core.Sessions;
using Maestro.Core.Turns;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Conversations.Transfer;

/// <summary>Writes a session's current thread as an <see cref="ExportDocument"/> (JSON) or a Markdown transcript.</summary>
public sealed class SessionExporter(IConversationStore conversations, TimeProvider time)
{
    public async Task<ExportDocument> ExportAsync(Session session, CancellationToken cancellationToken)
    {
        var messages = session.CurrentThreadId is { } thread
            ? await conversations.ListMessagesAsync(thread, null, null, cancellationToken)
            : [];
        var exported = new List<ExportedMessage>(messages.Count);
        foreach (var m in messages)
        {
            exported.Add(new ExportedMessage(
                m.Role.ToWire(),
                // A message still being written is exported as far as it got.
                m.Status == MessageStatus.Streaming ? MessageStatus.Interrupted.ToWire() : m.Status.ToWire(),
                m.CreatedAt,
                Blocks(m.Contents),
                m.Provider,
                m.Model,
                m.AuthLabel,
                m.Usage is { } u ? new ExportedUsage(u.InputTokenCount, u.OutputTokenCount, u.CachedInputTokenCount, u.ReasoningTokenCount, u.TotalTokenCount) : null,
                m.LatencyMs,
                m.FirstTokenMs,
                m.Error,
                m.InContext || m.Role == MessageRole.Summary));
        }

        return new ExportDocument(ExportDocument.FormatName, ExportDocument.CurrentVersion, time.GetUtcNow(),
            new ExportedSession(session.Name, session.Model, session.Auth?.ToString(), session.Auth?.Provider, session.SystemPrompt), exported);
    }

    public static string ToJson(ExportDocument document) => JsonSerializer.Serialize(document, TransferJson.Options);

    private static List<ExportedBlock> Blocks(IList<AIContent> contents)
    {
        var blocks = new List<ExportedBlock>(contents.Count);
        foreach (var c in contents)
        {
            switch (c)
            {
                case TextContent t:
                    blocks.Add(new ExportedBlock("text", Text: t.Text));
                    break;
                case TextReasoningContent r when r.Text.Length > 0:
                    blocks.Add(new ExportedBlock("reasoning", Text: r.Text));
                    break;
                case FunctionCallContent call:
                    blocks.Add(new ExportedBlock("tool_call", CallId: call.CallId, Name: call.Name,
                        Arguments: JsonSerializer.SerializeToElement(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions)));
                    break;
                case FunctionResultContent result:
                    var decision = ToolDecision.Of(result);
                    var props = result.AdditionalProperties;
                    blocks.Add(new ExportedBlock("tool_result", CallId: result.CallId,
                        Name: props?.GetValueOrDefault("tool")?.ToString(),
                        Result: result.Result?.ToString() ?? "",
                        IsError: props?.ContainsKey("is_error") == true ? true : null,
                        Approval: decision?.Status, ApprovalReason: decision?.Reason,
                        DurationMs: Number(props?.GetValueOrDefault("duration_ms"))));
                    break;
                case DataContent data:
                    blocks.Add(new ExportedBlock(data.HasTopLevelMediaType("image") ? "image" : "file",
                        MediaType: data.MediaType, FileName: data.Name, Data: data.Base64Data.ToString()));
                    break;
                default:
                    // Provider bookkeeping (usage, errors, opaque reasoning) is not part of the conversation.
                    break;
            }
        }

        return blocks;
    }

    private static double? Number(object? value) => value switch
    {
        double d => d,
        JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
        _ => null,
    };
}
