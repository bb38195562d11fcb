using System.Text;
using Maestro.Core.Conversations;
using Maestro.Core.Errors;
using Maestro.Core.Sessions;
using Maestro.Core.Turns;
using Maestro.Web.Api;
using Maestro.Web.Components.Chat;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Ui;

/// <summary>
/// The chat's fragment endpoints: send, stop, retry, edit the last message, fork, approvals, older messages, and
/// switching auth/model. What a turn then does reaches the page through the live stream.
/// </summary>
public static class ChatEndpoints
{
    public static RouteGroupBuilder MapChatUi(this RouteGroupBuilder ui)
    {
        var chat = ui.MapGroup("/sessions/{session}");
        chat.MapPost("/turns", SendAsync);
        chat.MapPost("/stop", StopAsync);
        chat.MapPost("/retry", RetryAsync);
        chat.MapGet("/edit-last", EditorAsync);
        chat.MapPost("/edit-last", EditLastAsync);
        chat.MapGet("/messages/{messageId:guid}", UserMessageAsync);
        chat.MapGet("/messages", MessagesAsync);
        chat.MapPost("/messages/{messageId:guid}/fork", ForkAsync);
        chat.MapPost("/approvals/{approvalId:guid}", DecideAsync);
        chat.MapPost("/model", SwitchModelAsync);
        return ui;
    }

    internal static ContentHttpResult Html(string html) => TypedResults.Content(html, "text/html; charset=utf-8");

    /// <summary>Sends the prompt: the message itself arrives through the live stream.</summary>
    private static async Task<ContentHttpResult> SendAsync([FromForm] string? prompt, string session, HttpContext http, SessionService sessions,
        TurnEngine engine, WaitForDecision approvals, ChatFragments fragments, CancellationToken ct)
    {
        var s = await sessions.GetAsync(session, ct);
        try
        {
            await engine.StartAsync(s.Id, new TurnInput(prompt, await AttachmentsAsync(http.Request, ct)), approvals, ct);
        }
        catch (BusyException busy)
        {
            // Nothing was saved; the page keeps the prompt and sends it again after the wait.
            http.Response.Headers.RetryAfter = Math.Ceiling(busy.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Html(await fragments.ComposerBusyAsync(s.Id, busy));
        }
        catch (Exception ex) when (UiErrors.IsUserError(ex))
        {
            return Html(await fragments.ComposerErrorAsync(UiErrors.Line(ex)));
        }

        // The page clears the box on this event.
        http.Response.Headers["HX-Trigger"] = "prompt-sent";
        return Html(await fragments.ComposerErrorAsync(null) + await fragments.ComposerActionsAsync(s.Id, running: true));
    }

    /// <summary>The files sent with the prompt (the composer's picker or a drop), each checked before anything is read whole.</summary>
    private static async Task<IList<Microsoft.Extensions.AI.AIContent>?> AttachmentsAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasFormContentType || (await request.ReadFormAsync(ct)).Files.GetFiles("attachments") is not { Count: > 0 } files)
        {
            return null;
        }

        if (files.Count > Core.Conversations.Attachments.AttachedFiles.MaxCount)
        {
            throw new ValidationFailedException("attachments", $"{files.Count} files are attached: at most {Core.Conversations.Attachments.AttachedFiles.MaxCount} go with one message.");
        }

        var contents = new List<Microsoft.Extensions.AI.AIContent>(files.Count);
        foreach (var file in files)
        {
            if (file.Length > Core.Conversations.Attachments.AttachedFiles.MaxImageBytes)
            {
                throw new ValidationFailedException("attachments", $"'{file.FileName}' is too large: {Core.Conversations.Attachments.AttachedFiles.Limits}.");
            }

            using var buffer = new MemoryStream((int)file.Length);
            await file.CopyToAsync(buffer, ct);
            contents.Add(Core.Conversations.Attachments.AttachedFiles.FromFile(file.FileName, buffer.ToArray()));
        }

        return contents;
    }

    private static async Task<ContentHttpResult> StopAsync(string session, SessionService sessions, TurnEngine engine, ChatFragments fragments, CancellationToken ct)
    {
        var s = await sessions.GetAsync(session, ct);
        return await engine.StopAsync(s.Id, ct)
            ? Html("")
            : Html(await fragments.ComposerActionsAsync(s.Id, running: false));
    }

    /// <summary>Asks the last message again: the answer to it leaves the page, the new one streams in.</summary>
    private static async Task<ContentHttpResult> RetryAsync(string session, SessionService sessions, ConversationService conversations,
        TurnEngine engine, WaitForDecision approvals, ChatFragments fragments, CancellationToken ct)
    {
        var s = await sessions.GetAsync(session, ct);
        var html = new StringBuilder();
        try
        {
            var removed = await conversations.AfterLastUserMessageAsync(s, ct);
            await conversations.PrepareRetryAsync(s, ct);
            foreach (var id in removed)
            {
                html.Delete(DomIds.Message(id));
            }

            await engine.StartAsync(s.Id, new TurnInput(null, ResubmitLast: true), approvals, ct);
        }
        catch (Exception ex) when (UiErrors.IsUserError(ex))
        {
            return Html(html + await fragments.ComposerErrorAsync(UiErrors.Line(ex)));
        }

        return Html(html + await fragments.ComposerErrorAsync(null) + await fragments.ComposerActionsAsync(s.Id, running: true));
    }

    private static async Task<RazorComponentResult<UserMessageEditor>> EditorAsync(
        string session, SessionService sessions, ConversationService conversations, CancellationToken ct)
    {
        var s = await sessions.GetAsync(session, ct);
        var last = await conversations.LastUserMessageAsync(s, ct) ?? throw new NotFoundException("There is no message of yours to edit in this thread.");
        return new RazorComponentResult<UserMessageEditor>(new { View = ChatItems.User(last), SessionId = s.Id });
    }

    /// <summary>Replaces the last message and asks it again; a refused edit keeps the editor open with the text as typed.</summary>
    private static async Task<ContentHttpResult> EditLastAsync([FromForm] string? text, string session, SessionService sessions,
        ConversationService conversations, TurnEngine engine, WaitForDecision approvals, ChatFragments fragments, FragmentRenderer renderer,
        CancellationToken ct)
    {
        var s = await sessions.GetAsync(session, ct);
        var html = new StringBuilder();
        var last = await conversations.LastUserMessageAsync(s, ct);
        try
        {
            var removed = await conversations.AfterLastUserMessageAsync(s, ct);
            var edited = await conversations.EditLastUserMessageAsync(s, text ?? "", ct);
            foreach (var id in removed)
            {
                html.Delete(DomIds.Message(id));
            }

            html.Append(await fragments.UserMessageAsync(s.Id, ChatItems.User(edited)));
            await engine.StartAsync(s.Id, new TurnInput(null, ResubmitLast: true), approvals, ct);
        }
        catch (Exception ex) when (UiErrors.IsUserError(ex) && last is not null)
        {
            var editor = await renderer.RenderAsync<UserMessageEditor>(new Dictionary<string, object?>
            {
                ["View"] = ChatItems.User(last) with { Text = text ?? "" },
                ["SessionId"] = s.Id,
                ["Error"] = UiErrors.Line(ex),
            });
            return Html(html + new StringBuilder().AppendTo("messages", editor).ToString());
        }

        return Html(html + await fragments.ComposerActionsAsync(s.Id, running: true));
    }

    private static async Task<RazorComponentResult<UserMessage>> UserMessageAsync(
        string session, Guid messageId, SessionService sessions, ConversationService conversations, CancellationToken ct)
    {
        var s = await sessions.GetAsync(session, ct);
        var m = await conversations.UserMessageAsync(s, messageId, ct);
        return new RazorComponentResult<UserMessage>(new { View = ChatItems.User(m), SessionId = s.Id });
    }

    /// <summary>A page of older messages (scrolling up).</summary>
    private static async Task<RazorComponentResult<MessageList>> MessagesAsync(string session, long? before, SessionService sessions,
        ConversationService conversations, ApprovalService approvalService, CancellationToken ct)
    {
        var s = await sessions.GetAsync(session, ct);
        var messages = await conversations.MessagesAsync(s, null, before, MessageList.PageSize, ct);
        var running = await conversations.IsBusyAsync(s, ct);
        return new RazorComponentResult<MessageList>(new
        {
            Items = ChatItems.From(messages, await approvalService.ForMessagesAsync(s.Id, messages, ct), running),
            SessionId = s.Id,
            OlderThanSeq = messages.Count == MessageList.PageSize ? messages[0].Seq : (long?)null,
        });
    }

    private static async Task<ContentHttpResult> ForkAsync(string session, Guid messageId, HttpContext http, SessionService sessions,
        ConversationService conversations, ChatFragments fragments, CancellationToken ct)
    {
        var s = await sessions.GetAsync(session, ct);
        try
        {
            await conversations.ForkAsync(s, messageId, ct);
        }
        catch (Exception ex) when (UiErrors.IsUserError(ex))
        {
            return Html(await fragments.ComposerErrorAsync(UiErrors.Line(ex)));
        }

        http.Response.Headers["HX-Redirect"] = $"/sessions/{Uri.EscapeDataString(s.Name)}";
        return Html("");
    }

    /// <summary>Answers a pending tool call; one decided elsewhere (another tab, the CLI) shows that decision.</summary>
    private static async Task<ContentHttpResult> DecideAsync([FromForm] string? decision, [FromForm] string? reason, string session, Guid approvalId,
        SessionService sessions, ApprovalService approvalService, FragmentRenderer renderer, CancellationToken ct)
    {
        var s = await sessions.GetAsync(session, ct);
        var parsed = ApprovalStatusNames.ParseDecision(decision);
        try
        {
            var decided = await approvalService.DecideAsync(s.Id, approvalId,
                parsed ?? throw new ValidationFailedException("decision", "Decision must be approve, approve_session or deny."),
                string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(), ct);
            return Html(ApprovalNote(decided));
        }
        catch (Exception ex) when (UiErrors.IsUserError(ex))
        {
            var approval = await approvalService.GetAsync(approvalId, ct);
            if (approval is not null && approval.Status != ApprovalStatus.Pending)
            {
                return Html(ApprovalNote(approval));
            }

            return Html(await renderer.RenderAsync<ApprovalPrompt>(new Dictionary<string, object?>
            {
                ["ApprovalId"] = approvalId,
                ["Tool"] = approval?.Tool ?? "This tool",
                ["SessionId"] = s.Id,
                ["Error"] = UiErrors.Line(ex),
            }));
        }
    }

    /// <summary>Switches the session's auth and model between turns.</summary>
    private static async Task<ContentHttpResult> SwitchModelAsync([FromForm] string? auth, [FromForm] string? model, string session,
        SessionService sessions, Core.Auths.AuthService auths, FragmentRenderer renderer, CancellationToken ct)
    {
        var s = await sessions.GetAsync(session, ct);
        var list = (await auths.ListAsync(null, ct)).Select(AuthView.From).ToList();
        try
        {
            var updated = await sessions.UpdateAsync(s.Id, new SessionSpec { Auth = auth ?? "", Model = model ?? "" }, ct);
            var bar = await renderer.RenderAsync<SessionBar>(new Dictionary<string, object?> { ["Session"] = updated, ["Auths"] = list });
            // The confirmation sits outside the form: the live stream re-renders the form for every tab.
            var saved = System.Text.Encodings.Web.HtmlEncoder.Default.Encode($"Saved: the next turn uses {updated.Model} through {updated.Auth}.");
            return Html($"{bar}<p id=\"bar-status\" class=\"bar-status\" role=\"status\" hx-swap-oob=\"true\">{saved}</p>");
        }
        catch (Exception ex) when (UiErrors.IsUserError(ex))
        {
            var bar = await renderer.RenderAsync<SessionBar>(new Dictionary<string, object?>
            {
                ["Session"] = s with { Model = model ?? "" },
                ["Auths"] = list,
                ["Errors"] = UiErrors.Fields(ex, "model"),
            });
            return Html($"{bar}<p id=\"bar-status\" class=\"bar-status\" role=\"status\" hx-swap-oob=\"true\"></p>");
        }
    }

    private static string ApprovalNote(Approval approval) =>
        $"<p class=\"approval-note\">{System.Text.Encodings.Web.HtmlEncoder.Default.Encode(ApprovalNotes.Describe(approval.Status.ToWire(), approval.Reason))}</p>";
}
