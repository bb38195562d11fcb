using System.Text.Json;
using Maestro.Core.Conversations;
using Maestro.Core.Turns;
using Maestro.Web.Rendering;
using Maestro.Web.Ui;
using Microsoft.Extensions.AI;

namespace Maestro.Web.Components.Chat;

/// <summary>
/// Turns stored messages into what the chat shows: each assistant message with its tool calls as cards (their results
/// come from the tool message that follows), user messages, summaries. Tool messages are not shown on their own.
/// </summary>
public static class ChatItems
{
    /// <param name="approvals">The approvals asked for the messages' tool calls, pending or decided.</param>
    public static IReadOnlyList<object> From(IReadOnlyList<ConversationMessage> messages, IReadOnlyList<Approval> approvals, bool turnRunning)
    {
        var results = new Dictionary<string, FunctionResultContent>(StringComparer.Ordinal);
        foreach (var m in messages)
        {
            if (m.Role == MessageRole.Tool)
            {
                foreach (var c in m.Contents)
                {
                    if (c is FunctionResultContent r)
                    {
                        results[r.CallId] = r;
                    }
                }
            }
        }

        var byCall = new Dictionary<string, Approval>(StringComparer.Ordinal);
        foreach (var a in approvals)
        {
            byCall[a.CallId] = a;
        }

        var items = new List<object>(messages.Count);
        foreach (var m in messages)
        {
            switch (m.Role)
            {
                case MessageRole.User:
                    items.Add(User(m));
                    break;
                case MessageRole.Assistant:
                    items.Add(Assistant(m, results, byCall, turnRunning));
                    break;
                case MessageRole.Summary:
                    items.Add(new SummaryMessageView(m.Id, MarkdownRenderer.ToHtml(m.Text), m.CreatedAt));
                    break;
                default:
                    break;
            }
        }

        return items;
    }

    public static UserMessageView User(ConversationMessage m) =>
        new(m.Id, m.Text, m.InContext, m.CreatedAt, Core.Conversations.Attachments.AttachedFiles.DescribeAll(m.Contents));

    public static AssistantMessageView Assistant(
        ConversationMessage m, IReadOnlyDictionary<string, FunctionResultContent> results, IReadOnlyDictionary<string, Approval> approvals, bool turnRunning)
    {
        var reasoning = new System.Text.StringBuilder();
        var calls = new List<ToolCallView>();
        foreach (var c in m.Contents)
        {
            switch (c)
            {
                case TextReasoningContent r when r.Text.Length > 0:
                    reasoning.Append(r.Text);
                    break;
                case FunctionCallContent call:
                    calls.Add(Call(call, results.GetValueOrDefault(call.CallId), approvals.GetValueOrDefault(call.CallId), turnRunning));
                    break;
                default:
                    break;
            }
        }

        return new AssistantMessageView(
            m.Id, m.Status.ToWire(), m.Model, m.AuthLabel, reasoning.ToString(), MarkdownRenderer.ToHtml(m.Text), calls, m.Usage,
            m.LatencyMs, m.FirstTokenMs, m.Error, m.InContext, m.CreatedAt);
    }

    private static ToolCallView Call(FunctionCallContent call, FunctionResultContent? result, Approval? approval, bool turnRunning)
    {
        var args = ToolArgumentsView.From(call.Name, call.Arguments);
        if (approval is { Status: ApprovalStatus.Pending } && result is null)
        {
            return new ToolCallView(call.CallId, call.Name, args, "awaiting_approval", PendingApprovalId: approval.Id);
        }

        // A decided call keeps its decision on the card after a reload, as the live page showed it: from the approval, or
        // from the decision stored with the result (an imported conversation has no approvals of its own).
        var decided = ToolDecision.Of(result);
        var note = approval is null or { Status: ApprovalStatus.Pending }
            ? decided is { } d ? ApprovalNotes.Describe(d.Status, d.Reason) : null
            : ApprovalNotes.Describe(approval.Status.ToWire(), approval.Reason);
        if (result is not null)
        {
            var isError = result.AdditionalProperties?.ContainsKey("is_error") == true;
            var denied = result.AdditionalProperties?.ContainsKey(ToolDecision.DeniedKey) == true;
            return new ToolCallView(call.CallId, call.Name, args, denied ? "denied" : isError ? "error" : "done", result.Result?.ToString(), isError,
                Duration(result.AdditionalProperties?.GetValueOrDefault("duration_ms")), ApprovalNote: note);
        }

        return new ToolCallView(call.CallId, call.Name, args, turnRunning ? "queued" : "not_run", ApprovalNote: note);
    }

    private static double? Duration(object? value) => value switch
    {
        double d => d,
        JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
        null => null,
        _ => double.TryParse(value.ToString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : null,
    };
}
