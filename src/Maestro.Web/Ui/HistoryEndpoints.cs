using Maestro.Core.Conversations;
using Maestro.Core.Sessions;
using Maestro.Web.Components.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Ui;

/// <summary>The history page's fragments: text search, switching threads, a new empty thread.</summary>
public static class HistoryEndpoints
{
    public static RouteGroupBuilder MapHistoryUi(this RouteGroupBuilder ui)
    {
        ui.MapGet("/sessions/{session}/search", async (string session, string? q, SessionService sessions, ConversationService conversations, CancellationToken ct) =>
        {
            var s = await sessions.GetAsync(session, ct);
            try
            {
                var results = await conversations.SearchAsync(s, q ?? "", ct);
                return new RazorComponentResult<SearchResults>(new { Results = results, Query = q, SessionId = s.Id, CurrentThreadId = s.CurrentThreadId });
            }
            catch (Exception ex) when (UiErrors.IsUserError(ex))
            {
                return new RazorComponentResult<SearchResults>(new { Error = UiErrors.Line(ex), SessionId = s.Id });
            }
        });

        ui.MapPost("/sessions/{session}/threads/{threadId:guid}/activate", (string session, Guid threadId, HttpContext http, SessionService sessions,
            ConversationService conversations, CancellationToken ct) =>
            ChangeThreadAsync(session, http, sessions, s => conversations.SwitchThreadAsync(s, threadId, ct), ct));

        ui.MapPost("/sessions/{session}/threads", (string session, HttpContext http, SessionService sessions, ConversationService conversations, CancellationToken ct) =>
            ChangeThreadAsync(session, http, sessions, s => conversations.NewThreadAsync(s, ct), ct));

        return ui;
    }

    /// <summary>On success the chat opens on the thread; a refusal (a turn is running) shows beside the list.</summary>
    private static async Task<IResult> ChangeThreadAsync(string session, HttpContext http, SessionService sessions, Func<Session, Task<ConversationThread>> change, CancellationToken ct)
    {
        var s = await sessions.GetAsync(session, ct);
        try
        {
            await change(s);
        }
        catch (Exception ex) when (UiErrors.IsUserError(ex))
        {
            var message = System.Text.Encodings.Web.HtmlEncoder.Default.Encode(UiErrors.Line(ex));
            return ChatEndpoints.Html($"<p id=\"thread-error\" class=\"field-error\" role=\"alert\" hx-swap-oob=\"true\">{message}</p>");
        }

        http.Response.Headers["HX-Redirect"] = $"/sessions/{Uri.EscapeDataString(s.Name)}";
        return ChatEndpoints.Html("");
    }
}
