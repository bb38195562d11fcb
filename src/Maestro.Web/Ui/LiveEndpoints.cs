using System.Globalization;
using Maestro.Core.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Ui;

/// <summary>
/// /ui/live: the UI's server-sent event streams (HTML fragments). EventSource cannot send htmx's header, so these
/// GET-only, read-only streams sit outside the HtmxOnly group; another site's page cannot read them (no CORS).
/// </summary>
public static class LiveEndpoints
{
    public static IEndpointRouteBuilder MapLiveUi(this IEndpointRouteBuilder app)
    {
        var live = app.MapGroup("/ui/live");

        live.MapGet("/sessions/{session}", async (string session, long? after, HttpContext http, SessionService sessions, LiveChatStream stream, CancellationToken ct) =>
        {
            var s = await sessions.GetAsync(session, ct);
            // The browser's own reconnect sends Last-Event-ID; a fresh EventSource (after an error) passes ?after= instead.
            var from = http.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } lastId &&
                long.TryParse(lastId, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : after;
            return TypedResults.ServerSentEvents(stream.ReadAsync(s, from, ct));
        });

        live.MapGet("/oauth/{id:guid}", (Guid id, string? status, LiveLoginStream stream, CancellationToken ct) =>
            TypedResults.ServerSentEvents(stream.ReadAsync(id, status, ct)));

        // ?badge=true: the page shows the badge alone (the sign-in page), no token line.
        live.MapGet("/auths/{provider}/{name}", (string provider, string name, bool? badge, LiveAuthStream stream, CancellationToken ct) =>
            TypedResults.ServerSentEvents(stream.ReadAsync(new Maestro.Core.Auths.AuthRef(provider, name), badge == true, ct)));

        // The nav badge of pages without a stream of their own; with ?list=true, the Approvals page's list too.
        live.MapGet("/approvals", (bool? list, LiveInboxStream stream, CancellationToken ct) =>
            TypedResults.ServerSentEvents(stream.ReadAsync(list == true, ct)));

        live.MapGet("/dashboard", (int? page, string? q, string? auth, string? provider, LiveDashboardStream stream, CancellationToken ct) =>
            TypedResults.ServerSentEvents(stream.ReadAsync(page ?? 1, Maestro.Core.Sessions.SessionFilter.From(q, auth, provider), ct)));

        live.MapGet("/gateway", (LiveGatewayStream stream, CancellationToken ct) => TypedResults.ServerSentEvents(stream.ReadAsync(ct)));

        return app;
    }
}
