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

        chat.MapPost("/turns", async ([FromForm] string? prompt, string session, HttpContext http, SessionService sessions, TurnEngine engine,
            WaitForDecision approvals, ChatFragments fragments, CancellationToken ct) =>
        {
            var s = await sessions.GetAsync(session, ct);
            try
            {
                await engine.StartAsync(s.Id, new TurnInput(prompt), approvals, ct);
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

            // The page clears the box on this event; the message itself arrives through the live stream.
            http.Response.Headers["HX-Trigger"] = "prompt-sent";
            return Html(await fragments.ComposerErrorAsync(null) + await fragments.ComposerActionsAsync(s.Id, running: true));
        });

        chat.MapPost("/stop", async (string session, SessionService sessions, TurnEngine engine, ChatFragments fragments, CancellationToken ct) =>
        {
            var s = await sessions.GetAsync(session, ct);
            return await engine.StopAsync(s.Id, ct)
                ? Html("")
                : Html(await fragments.ComposerActionsAsync(s.Id, running: false));
        });

        chat.MapPost("/retry", async (string session, SessionService sessions, ConversationService conversations, IConversationStore store,
            TurnEngine engine, WaitForDecision approvals, ChatFragments fragments, CancellationToken ct) =>
        {
            var s = await sessions.GetAsync(session, ct);
            var html = new StringBuilder();
            try
            {
                var removed = await AfterLastUserMessageAsync(s, store, ct);
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
        });

        chat.MapGet("/edit-last", async (string session, SessionService sessions, IConversationStore store, CancellationToken ct) =>
        {
            var s = await sessions.GetAsync(session, ct);
            var last = await LastUserMessageAsync(s, store, ct) ?? throw new NotFoundException("There is no message of yours to edit in this thread.");
            return new RazorComponentResult<UserMessageEditor>(new { View = ChatItems.User(last), SessionId = s.Id });
        });

        chat.MapPost("/edit-last", async ([FromForm] string? text, string session, SessionService sessions, ConversationService conversations,
            IConversationStore store, TurnEngine engine, WaitForDecision approvals, ChatFragments fragments, FragmentRenderer renderer, CancellationToken ct) =>
        {
            var s = await sessions.GetAsync(session, ct);
            var html = new StringBuilder();
            var last = await LastUserMessageAsync(s, store, ct);
            try
            {
                var removed = await AfterLastUserMessageAsync(s, store, ct);
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
                // The editor stays open with the text as typed and the reason beside it.
                var editor = await renderer.RenderAsync<UserMessageEditor>(new Dictionary<string, object?>
                {
                    ["View"] = ChatItems.User(last) with { Text = text ?? "" },
                    ["SessionId"] = s.Id,
                    ["Error"] = UiErrors.Line(ex),
                });
                return Html(html + new StringBuilder().AppendTo("messages", editor).ToString());
            }

            return Html(html + await fragments.ComposerActionsAsync(s.Id, running: true));
        });

        chat.MapGet("/messages/{messageId:guid}", async (string session, Guid messageId, SessionService sessions, IConversationStore store, CancellationToken ct) =>
        {
            var s = await sessions.GetAsync(session, ct);
            var m = await store.GetMessageAsync(messageId, ct);
            return m is null || m.Role != MessageRole.User
                ? throw new NotFoundException("That message is no longer there.")
                : new RazorComponentResult<UserMessage>(new { View = ChatItems.User(m), SessionId = s.Id });
        });

        chat.MapGet("/messages", async (string session, long? before, SessionService sessions, ConversationService conversations, ApprovalService approvalService,
            ITurnStore turns, CancellationToken ct) =>
        {
            var s = await sessions.GetAsync(session, ct);
            var messages = await conversations.MessagesAsync(s, null, before, MessageList.PageSize, ct);
            var running = await turns.GetRunningAsync(s.Id, ct) is not null;
            return new RazorComponentResult<MessageList>(new
            {
                Items = ChatItems.From(messages, await approvalService.PendingAsync(s.Id, ct), running),
                SessionId = s.Id,
                OlderThanSeq = messages.Count == MessageList.PageSize ? messages[0].Seq : (long?)null,
            });
        });

        chat.MapPost("/messages/{messageId:guid}/fork", async (string session, Guid messageId, HttpContext http, SessionService sessions,
            ConversationService conversations, ChatFragments fragments, CancellationToken ct) =>
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
        });

        chat.MapPost("/approvals/{approvalId:guid}", async ([FromForm] string? decision, [FromForm] string? reason, string session, Guid approvalId,
            SessionService sessions, ApprovalService approvalService, FragmentRenderer renderer, CancellationToken ct) =>
        {
            var s = await sessions.GetAsync(session, ct);
            var parsed = ApprovalStatusNames.ParseDecision(decision);
            try
            {
                var decided = await approvalService.DecideAsync(s.Id, approvalId,
                    parsed ?? throw new ValidationFailedException("decision", "Decision must be approve, approve_session or deny."),
                    string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(), ct);
                return Html($"<p class=\"approval-note\">{System.Text.Encodings.Web.HtmlEncoder.Default.Encode(ApprovalNotes.Describe(decided.Status.ToWire(), decided.Reason))}</p>");
            }
            catch (Exception ex) when (UiErrors.IsUserError(ex))
            {
                var approval = await approvalService.GetAsync(approvalId, ct);
                if (approval is not null && approval.Status != ApprovalStatus.Pending)
                {
                    // Decided elsewhere (another tab, the CLI): show that decision.
                    return Html($"<p class=\"approval-note\">{System.Text.Encodings.Web.HtmlEncoder.Default.Encode(ApprovalNotes.Describe(approval.Status.ToWire(), approval.Reason))}</p>");
                }

                return Html(await renderer.RenderAsync<ApprovalPrompt>(new Dictionary<string, object?>
                {
                    ["ApprovalId"] = approvalId,
                    ["Tool"] = approval?.Tool ?? "This tool",
                    ["SessionId"] = s.Id,
                    ["Error"] = UiErrors.Line(ex),
                }));
            }
        });

        chat.MapPost("/model", async ([FromForm] string? auth, [FromForm] string? model, string session, SessionService sessions,
            Core.Auths.AuthService auths, FragmentRenderer renderer, CancellationToken ct) =>
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
        });

        return ui;
    }

    internal static ContentHttpResult Html(string html) => TypedResults.Content(html, "text/html; charset=utf-8");

    private static async Task<ConversationMessage?> LastUserMessageAsync(Session s, IConversationStore store, CancellationToken ct)
    {
        if (s.CurrentThreadId is not { } thread)
        {
            return null;
        }

        var messages = await store.ListMessagesAsync(thread, null, 200, ct);
        return messages.LastOrDefault(m => m.Role == MessageRole.User);
    }

    /// <summary>The messages a resubmit removes (everything after the last user message), so the page can drop them.</summary>
    private static async Task<List<Guid>> AfterLastUserMessageAsync(Session s, IConversationStore store, CancellationToken ct)
    {
        if (s.CurrentThreadId is not { } thread)
        {
            return [];
        }

        var messages = await store.ListMessagesAsync(thread, null, 200, ct);
        var last = messages.LastOrDefault(m => m.Role == MessageRole.User);
        return last is null ? [] : [.. messages.Where(m => m.Seq > last.Seq).Select(m => m.Id)];
    }
}
