using System.Text;
using Maestro.Core.Conversations;
using Maestro.Core.Events;
using Maestro.Core.Turns;
using Maestro.Web.Components.Chat;
using Maestro.Web.Rendering;

namespace Maestro.Web.Ui;

/// <summary>
/// What one chat viewer has been shown, and the HTML fragments that bring it up to date with each session event.
/// Deltas only touch the tail of the message being written; everything else replaces or appends elements by id, so
/// a fragment applied twice (a replay after reconnecting) changes nothing.
/// </summary>
internal sealed class ChatViewer(Guid sessionId, ChatFragments fragments)
{
    private readonly Dictionary<Guid, StreamingMessage> _streaming = [];
    private bool _lastAnswerFailed;

    public bool HasPending
    {
        get
        {
            foreach (var m in _streaming.Values)
            {
                if (m.HasPending)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>First fragment of a connection: the turn's state, and the message being written re-rendered from the snapshot.</summary>
    public async Task ResetAsync(StringBuilder html, SessionEvent snapshot, CancellationToken cancellationToken)
    {
        var running = snapshot.Turn?.Status == "running";
        html.Append(await fragments.ComposerActionsAsync(sessionId, running));
        if (running && snapshot.MessageId is { } id)
        {
            if (snapshot.Message is { Status: not "streaming" })
            {
                // Already written (the turn goes on, or is ending): shown as stored, not as a message still being written.
                html.Append(await fragments.FinishedAssistantMessageAsync(sessionId, id, cancellationToken));
                return;
            }

            var message = new StreamingMessage(id);
            message.Text.Append(snapshot.Delta?.Text ?? "");
            var update = message.Text.Flush();
            _streaming[id] = message;
            html.Append(await fragments.StreamingMessageAsync(sessionId, id, update, cancellationToken));
        }
    }

    /// <summary>Applies a delta; its HTML is produced by the next <see cref="Flush"/> (throttled by the caller).</summary>
    public void Apply(SessionEvent e)
    {
        if (e.MessageId is not { } id || e.Delta is not { Text: { Length: > 0 } text } delta)
        {
            return;
        }

        if (!_streaming.TryGetValue(id, out var message))
        {
            // Joined mid-message without a snapshot of it: show it when it is finished.
            message = new StreamingMessage(id) { Blind = delta.Offset is > 0 };
            _streaming[id] = message;
        }

        if (delta.Type == "text")
        {
            message.AddText(text, delta.Offset);
        }
        else if (delta.Type == "reasoning")
        {
            message.AddReasoning(text);
        }
    }

    public void Flush(StringBuilder html)
    {
        foreach (var m in _streaming.Values)
        {
            if (m.HasPending)
            {
                m.Flush(html);
            }
        }
    }

    public async Task OnEventAsync(StringBuilder html, SessionEvent e, CancellationToken cancellationToken)
    {
        switch (e.Type)
        {
            case SessionEventTypes.TurnStarted:
                _lastAnswerFailed = false;
                if (e.MessageId is { } userId && e.Message is { } user)
                {
                    html.Append(await fragments.UserMessageAsync(sessionId, new UserMessageView(userId, user.Text ?? e.Turn?.Input ?? "", true, e.At, user.Attachments)));
                }
                else
                {
                    // A retry or an edit: the answer after the last user message is gone, in every tab.
                    html.Append(await fragments.ConversationAsync(sessionId, cancellationToken));
                }

                html.Append(await fragments.ComposerActionsAsync(sessionId, running: true));
                html.Append(await fragments.TurnStatusAsync("The assistant is writing."));
                break;

            case SessionEventTypes.MessageStarted when e.MessageId is { } id && e.Message is { Role: "assistant" } info:
                _streaming[id] = new StreamingMessage(id);
                html.Append(await fragments.NewAssistantMessageAsync(sessionId, id, info, e.At));
                break;

            case SessionEventTypes.MessageFinished when e.MessageId is { } id && e.Message is { Role: "assistant" } info:
                _streaming.Remove(id);
                _lastAnswerFailed = info.Status is "error" or "cancelled" or "interrupted";
                html.Append(await fragments.FinishedAssistantMessageAsync(sessionId, id, cancellationToken));
                break;

            case SessionEventTypes.ApprovalRequested when e.Approval is { } approval:
                html.Append(await fragments.ToolCardAsync(sessionId, new ToolCallView(
                    approval.CallId, approval.Tool, ToolArgumentsView.From(approval.Tool, approval.Arguments), "awaiting_approval", PendingApprovalId: approval.ApprovalId)));
                break;

            case SessionEventTypes.ApprovalResolved when e.Approval is { } approval:
                ChatFragments.ApprovalResolved(html, approval.CallId, approval.Status, ApprovalNotes.Describe(approval.Status, approval.Reason));
                break;

            case SessionEventTypes.ToolStarted or SessionEventTypes.ToolFinished when e.Tool is { } tool:
                html.Append(await fragments.ToolProgressAsync(new ToolCallView(
                    tool.CallId, tool.Name, null, tool.Status, tool.Result, tool.IsError, tool.DurationMs)));
                break;

            case SessionEventTypes.Notice or SessionEventTypes.ContextCompacted when e.Notice is { } notice:
                html.Append(await fragments.NoticeAsync(sessionId, e.Id, notice, isError: false));
                break;

            case SessionEventTypes.SessionChanged:
                html.Append(await fragments.SessionBarAsync(sessionId, cancellationToken));
                break;

            case SessionEventTypes.TurnFinished when e.Turn is { } turn:
                _streaming.Clear();
                html.Append(await fragments.ComposerActionsAsync(sessionId, running: false));
                html.Append(await fragments.TurnStatusAsync(turn.Status switch
                {
                    "completed" => "The answer is complete.",
                    "cancelled" => "Stopped.",
                    _ => $"The turn {turn.Status}: {turn.Error}",
                }));
                if (turn.Status is "failed" or "interrupted" && !_lastAnswerFailed && turn.Error is { } error)
                {
                    html.Append(await fragments.NoticeAsync(sessionId, e.Id, error, isError: true));
                }

                break;

            default:
                break;
        }
    }
}
