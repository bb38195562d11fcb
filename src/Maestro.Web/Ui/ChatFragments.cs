using System.Text;
using Maestro.Core.Auths;
using Maestro.Core.Conversations;
using Maestro.Core.Errors;
using Maestro.Core.Events;
using Maestro.Core.Sessions;
using Maestro.Core.Turns;
using Maestro.Web.Api;
using Maestro.Web.Components.Chat;
using Maestro.Web.Rendering;

namespace Maestro.Web.Ui;

/// <summary>The chat's HTML fragments, rendered from the same components as the page, for live events and fragment endpoints.</summary>
public sealed class ChatFragments(
    FragmentRenderer renderer, IConversationStore conversations, ITurnStore turns, SessionService sessions, AuthService auths, ApprovalService approvals)
{
    public Task<string> ComposerActionsAsync(Guid sessionId, bool running) =>
        renderer.RenderAsync<ComposerActions>(new Dictionary<string, object?> { ["Running"] = running, ["SessionId"] = sessionId, ["Oob"] = true });

    public Task<string> TurnStatusAsync(string text) =>
        renderer.RenderAsync<TurnAnnouncement>(new Dictionary<string, object?> { ["Text"] = text, ["Oob"] = true });

    public Task<string> ComposerErrorAsync(string? message) =>
        renderer.RenderAsync<ComposerError>(new Dictionary<string, object?> { ["Message"] = message, ["Oob"] = true });

    /// <summary>"Busy, retrying": the composer sends the prompt again by itself after the wait.</summary>
    public Task<string> ComposerBusyAsync(Guid sessionId, BusyException busy) =>
        renderer.RenderAsync<ComposerError>(new Dictionary<string, object?>
        {
            ["Message"] = $"{busy.Message} Busy, retrying in {Math.Ceiling(busy.RetryAfter.TotalSeconds):0} s…",
            ["Oob"] = true,
            ["RetryAfter"] = busy.RetryAfter,
            ["SessionId"] = sessionId,
        });

    public async Task<string> UserMessageAsync(Guid sessionId, UserMessageView view) =>
        Wrap(await renderer.RenderAsync<UserMessage>(new Dictionary<string, object?> { ["View"] = view, ["SessionId"] = sessionId }));

    /// <summary>The skeleton a new answer streams into; added only if the page does not have it yet.</summary>
    public async Task<string> NewAssistantMessageAsync(Guid sessionId, Guid messageId, MessageInfo info, DateTimeOffset at) =>
        Wrap(await renderer.RenderAsync<AssistantMessage>(new Dictionary<string, object?>
        {
            ["View"] = new AssistantMessageView(messageId, "streaming", info.Model, info.Auth, "", "", [], null, null, null, null, true, at),
            ["SessionId"] = sessionId,
            ["IfMissing"] = true,
        }));

    /// <summary>A message still being written, for a viewer that (re)connects: what was written so far, as stored, with the snapshot's text.</summary>
    public async Task<string> StreamingMessageAsync(Guid sessionId, Guid messageId, MarkdownUpdate text, CancellationToken cancellationToken)
    {
        var stored = await conversations.GetMessageAsync(messageId, cancellationToken);
        if (stored is null)
        {
            return "";
        }

        var asStored = ChatItems.Assistant(stored, new Dictionary<string, Microsoft.Extensions.AI.FunctionResultContent>(), await ApprovalsOfAsync(sessionId, stored, cancellationToken), turnRunning: true);
        var view = asStored with { Status = "streaming", Html = text.Completed };
        return Wrap(await renderer.RenderAsync<AssistantMessage>(new Dictionary<string, object?>
        {
            ["View"] = view,
            ["SessionId"] = sessionId,
            ["Tail"] = text.Tail,
        }));
    }

    private async Task<Dictionary<string, Approval>> ApprovalsOfAsync(Guid sessionId, ConversationMessage message, CancellationToken cancellationToken)
    {
        var byCall = new Dictionary<string, Approval>(StringComparer.Ordinal);
        foreach (var a in await approvals.ForMessagesAsync(sessionId, [message], cancellationToken))
        {
            byCall[a.CallId] = a;
        }

        return byCall;
    }

    /// <summary>A finished answer replaces its streaming version once, as stored (complete Markdown, calls, usage).</summary>
    public async Task<string> FinishedAssistantMessageAsync(Guid sessionId, Guid messageId, CancellationToken cancellationToken)
    {
        var stored = await conversations.GetMessageAsync(messageId, cancellationToken);
        if (stored is null)
        {
            return "";
        }

        var running = await turns.GetRunningAsync(sessionId, cancellationToken) is not null;
        var view = ChatItems.Assistant(stored, new Dictionary<string, Microsoft.Extensions.AI.FunctionResultContent>(), await ApprovalsOfAsync(sessionId, stored, cancellationToken), running);
        return Wrap(await renderer.RenderAsync<AssistantMessage>(new Dictionary<string, object?> { ["View"] = view, ["SessionId"] = sessionId }));
    }

    /// <summary>A call that moved on: its status, duration and result replace those on the card.</summary>
    public Task<string> ToolProgressAsync(ToolCallView call) =>
        renderer.RenderAsync<ToolCallParts>(new Dictionary<string, object?> { ["Call"] = call, ["Oob"] = true });

    public Task<string> ToolCardAsync(Guid sessionId, ToolCallView call) =>
        renderer.RenderAsync<ToolCallCard>(new Dictionary<string, object?> { ["Call"] = call, ["SessionId"] = sessionId, ["Oob"] = true });

    public async Task<string> NoticeAsync(Guid sessionId, long eventId, string text, bool isError) =>
        Wrap(await renderer.RenderAsync<TurnNotice>(new Dictionary<string, object?>
        {
            ["Text"] = text,
            ["SessionId"] = sessionId,
            ["IsError"] = isError,
            ["Id"] = $"n-{eventId}",
        }));

    public async Task<string> SessionBarAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        var session = await sessions.GetAsync(sessionId, cancellationToken);
        var list = (await auths.ListAsync(null, cancellationToken)).Select(AuthView.From).ToList();
        return await renderer.RenderAsync<SessionBar>(new Dictionary<string, object?> { ["Session"] = session, ["Auths"] = list, ["Oob"] = true });
    }

    /// <summary>The last page of the conversation, replacing the list (after a viewer missed events it cannot replay).</summary>
    /// <remarks>
    /// With <paramref name="withoutStreaming"/>, a message still being written is left out: the viewer builds it from
    /// the events that follow (a retry or an edit re-renders the list when its turn starts, before the answer begins).
    /// </remarks>
    public async Task<string> ConversationAsync(Session session, CancellationToken cancellationToken, bool withoutStreaming = false)
    {
        var messages = await conversations.ListMessagesAsync(session.CurrentThreadId ?? Guid.Empty, null, MessageList.PageSize, cancellationToken);
        if (withoutStreaming)
        {
            messages = [.. messages.Where(m => m.Status != MessageStatus.Streaming)];
        }

        var running = await turns.GetRunningAsync(session.Id, cancellationToken) is not null;
        var list = await renderer.RenderAsync<MessageList>(new Dictionary<string, object?>
        {
            ["Items"] = ChatItems.From(messages, await approvals.ForMessagesAsync(session.Id, messages, cancellationToken), running),
            ["SessionId"] = session.Id,
            ["OlderThanSeq"] = messages.Count == MessageList.PageSize ? messages[0].Seq : null,
        });
        return new StringBuilder().Replace("div", "messages", "messages", list).ToString();
    }

    /// <summary>The conversation as stored, after a retry or an edit removed messages that other tabs still show.</summary>
    public async Task<string> ConversationAsync(Guid sessionId, CancellationToken cancellationToken) =>
        await ConversationAsync(await sessions.GetAsync(sessionId, cancellationToken), cancellationToken, withoutStreaming: true);

    /// <summary>A decided approval: the prompt becomes a note, the status badge follows.</summary>
    public static void ApprovalResolved(StringBuilder html, string callId, string status, string note)
    {
        var card = DomIds.ToolCall(callId);
        var cardStatus = status switch
        {
            "approved" or "approved_session" => "approved",
            "denied" => "denied",
            _ => "not_run",
        };
        html.Replace("div", card + "-approval", "approval-slot",
            $"<p class=\"approval-note\">{System.Text.Encodings.Web.HtmlEncoder.Default.Encode(note)}</p>");
        html.Replace("span", card + "-status", "badge " + ToolStatus.BadgeClass(cardStatus), ToolStatus.Label(cardStatus));
    }

    /// <summary>Messages are added to (or, when present, replaced in) the list; app.js does the replacing.</summary>
    private static string Wrap(string article) => new StringBuilder().AppendTo("messages", article).ToString();
}
