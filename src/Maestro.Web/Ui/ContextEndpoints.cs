using System.Globalization;
using Maestro.Core.Context;
using Maestro.Core.Sessions;
using Maestro.Web.Components.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Ui;

/// <summary>The context page's fragments: remove a chunk, compact now. Both answer with the updated report.</summary>
public static class ContextEndpoints
{
    public static RouteGroupBuilder MapContextUi(this RouteGroupBuilder ui)
    {
        ui.MapDelete("/sessions/{session}/context/{chunkId:guid}", async (string session, Guid chunkId, SessionService sessions, ContextService context, CancellationToken ct) =>
        {
            var s = await sessions.GetAsync(session, ct);
            try
            {
                var removed = await context.DeleteAsync(s, chunkId, ct);
                return Report(await context.ListAsync(s, ct), s.Id,
                    removed.Count == 1 ? "Removed one chunk from the context." : $"Removed {removed.Count} chunks (a tool call and its result go together).");
            }
            catch (Exception ex) when (UiErrors.IsUserError(ex))
            {
                return Report(await context.ListAsync(s, ct), s.Id, null, UiErrors.Fields(ex));
            }
        });

        ui.MapPost("/sessions/{session}/context/compact", async (string session, SessionService sessions, ContextService context, CancellationToken ct) =>
        {
            var s = await sessions.GetAsync(session, ct);
            try
            {
                var result = await context.CompactAsync(s, ct);
                return Report(await context.ListAsync(s, ct), s.Id, string.Create(CultureInfo.InvariantCulture,
                    $"Summarized {result.Messages} messages: about {result.TokensBefore:N0} tokens became {result.TokensAfter:N0}."));
            }
            catch (Exception ex) when (UiErrors.IsUserError(ex))
            {
                return Report(await context.ListAsync(s, ct), s.Id, null, UiErrors.Fields(ex));
            }
        });

        return ui;
    }

    private static RazorComponentResult<ContextReportView> Report(ContextReport report, Guid sessionId, string? notice, IReadOnlyDictionary<string, string[]>? errors = null) =>
        new(new { Report = report, SessionId = sessionId, Notice = notice, Errors = errors });
}
