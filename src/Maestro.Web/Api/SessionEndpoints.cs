using System.Globalization;
using Maestro.Core.Context;
using Maestro.Core.Conversations;
using Maestro.Core.Errors;
using Maestro.Core.Sessions;
using Maestro.Core.Turns;
using Maestro.Core.Usage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Api;

/// <summary>/api/sessions: sessions, their messages and threads, turns and their live events, approvals, context, usage.</summary>
public static class SessionEndpoints
{
    /// <summary>The most sessions one page of <c>GET /api/sessions</c> holds.</summary>
    public const int MaxPerPage = 500;

    /// <summary>The address of a page of the session list with the same search and filters.</summary>
    public static string PageLink(int page, int perPage, SessionFilter filter)
    {
        var query = new List<string>(5) { $"page={page}", $"per_page={perPage}" };
        if (filter.Search is { } q)
        {
            query.Add("q=" + Uri.EscapeDataString(q));
        }

        if (filter.Auth is { } auth)
        {
            query.Add("auth=" + Uri.EscapeDataString(auth));
        }

        if (filter.Provider is { } provider)
        {
            query.Add("provider=" + Uri.EscapeDataString(provider));
        }

        return "/api/sessions?" + string.Join('&', query);
    }

    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sessions");

        // Paged like the dashboard: the body stays a list; X-Total-Count and a Link header (rel next/prev) say the rest.
        group.MapGet("/", async (int? page, [FromQuery(Name = "per_page")] int? perPage, string? q, string? auth, string? provider, HttpContext http,
            SessionService sessions, SessionViews views, CancellationToken ct) =>
        {
            if (page is < 1)
            {
                throw new ValidationFailedException("page", "page must be 1 or more.");
            }

            if (perPage is < 1 or > MaxPerPage)
            {
                throw new ValidationFailedException("per_page", $"per_page must be between 1 and {MaxPerPage}.");
            }

            var filter = SessionFilter.From(q, auth, provider);
            var result = await sessions.PageAsync(page ?? 1, perPage ?? SessionPage.DefaultSize, filter, ct);
            http.Response.Headers["X-Total-Count"] = result.Total.ToString(CultureInfo.InvariantCulture);
            var links = new List<string>(2);
            if (result.HasNext)
            {
                links.Add($"<{PageLink(result.Number + 1, result.Size, filter)}>; rel=\"next\"");
            }

            if (result.HasPrevious)
            {
                links.Add($"<{PageLink(result.Number - 1, result.Size, filter)}>; rel=\"prev\"");
            }

            if (links.Count > 0)
            {
                http.Response.Headers.Link = string.Join(", ", links);
            }

            return Results.Ok(await views.CreateAsync(result.Sessions, ct));
        });

        group.MapPost("/", async (SessionRequest? request, SessionService sessions, SessionViews views, CancellationToken ct) =>
        {
            var created = await sessions.CreateAsync((request ?? Empty).ToSpec(), ct);
            return Results.Created($"/api/sessions/{created.Id}", await views.CreateForNewAsync(created, ct));
        });

        group.MapGet("/{session}", async (string session, SessionService sessions, SessionViews views, CancellationToken ct) =>
            Results.Ok(await views.CreateAsync(await sessions.GetAsync(session, ct), ct)));

        group.MapPatch("/{session}", async (string session, SessionRequest? request, SessionService sessions, SessionViews views, CancellationToken ct) =>
        {
            var s = await sessions.GetAsync(session, ct);
            return Results.Ok(await views.CreateAsync(await sessions.UpdateAsync(s.Id, (request ?? Empty).ToSpec(), ct), ct));
        });

        group.MapDelete("/{session}", async (string session, SessionService sessions, CancellationToken ct) =>
        {
            await sessions.DeleteAsync((await sessions.GetAsync(session, ct)).Id, ct);
            return Results.NoContent();
        });

        group.MapGet("/{session}/messages", async (string session, Guid? thread, long? before, int? limit, SessionService sessions, ConversationService conversations, CancellationToken ct) =>
        {
            var s = await sessions.GetAsync(session, ct);
            var messages = await conversations.MessagesAsync(s, thread, before, Math.Clamp(limit ?? 100, 1, 1000), ct);
            return Results.Ok(messages.Select(MessageView.From));
        });

        // The session lookup is part of the start's single read; past the running-turn limit this answers 429 + Retry-After.
        group.MapPost("/{session}/turns", async (string session, TurnRequest? request, TurnEngine engine, WaitForDecision approvals, CancellationToken ct) =>
        {
            var handle = await engine.StartAsync(session, new TurnInput(request?.Text, request?.Contents()), approvals, ct);
            var events = $"/api/sessions/{handle.SessionId}/events";
            return Results.Accepted(events, new TurnStartedView(handle.TurnId, handle.SessionId, handle.ThreadId, events));
        });

        group.MapGet("/{session}/turns/{turnId:guid}", async (string session, Guid turnId, SessionService sessions, ITurnStore turns, CancellationToken ct) =>
        {
            var s = await sessions.GetAsync(session, ct);
            var turn = await turns.GetAsync(turnId, ct);
            return turn is null || turn.SessionId != s.Id ? throw new NotFoundException("No such turn in this session.") : Results.Ok(TurnView.From(turn));
        });

        group.MapPost("/{session}/stop", async (string session, SessionService sessions, TurnEngine engine, CancellationToken ct) =>
        {
            var s = await sessions.GetAsync(session, ct);
            return await engine.StopAsync(s.Id, ct)
                ? Results.Accepted()
                : throw new ConflictException("No turn is running in this session.", "session");
        });

        group.MapGet("/{session}/events", async (string session, HttpContext http, long? after, SessionService sessions, SessionEventStream stream, CancellationToken ct) =>
        {
            var s = await sessions.GetAsync(session, ct);
            long? from = after;
            if (http.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } lastId &&
                long.TryParse(lastId, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
            {
                from = parsed;
            }

            return stream.Result(s, from);
        });

        group.MapGet("/{session}/approvals", async (string session, SessionService sessions, ApprovalService approvals, CancellationToken ct) =>
        {
            var s = await sessions.GetAsync(session, ct);
            return Results.Ok((await approvals.PendingAsync(s.Id, ct)).Select(ApprovalView.From));
        });

        group.MapPost("/{session}/approvals/{approvalId:guid}", async (string session, Guid approvalId, DecisionRequest? request, SessionService sessions, ApprovalService approvals, CancellationToken ct) =>
        {
            var s = await sessions.GetAsync(session, ct);
            var decision = ApprovalStatusNames.ParseDecision(request?.Decision)
                ?? throw new ValidationFailedException("decision", "Decision must be approve, approve_session or deny.");
            return Results.Ok(ApprovalView.From(await approvals.DecideAsync(s.Id, approvalId, decision, request?.Reason, ct)));
        });

        group.MapGet("/{session}/context", async (string session, SessionService sessions, ContextService context, CancellationToken ct) =>
            Results.Ok(await context.ListAsync(await sessions.GetAsync(session, ct), ct)));

        group.MapDelete("/{session}/context/{chunkId:guid}", async (string session, Guid chunkId, SessionService sessions, ContextService context, CancellationToken ct) =>
            Results.Ok(new { removed = await context.DeleteAsync(await sessions.GetAsync(session, ct), chunkId, ct) }));

        group.MapPost("/{session}/context/compact", async (string session, SessionService sessions, ContextService context, CancellationToken ct) =>
            Results.Ok(await context.CompactAsync(await sessions.GetAsync(session, ct), ct)));

        group.MapGet("/{session}/threads", async (string session, SessionService sessions, ConversationService conversations, CancellationToken ct) =>
            Results.Ok(await conversations.ThreadsAsync(await sessions.GetAsync(session, ct), ct)));

        group.MapPost("/{session}/threads", async (string session, SessionService sessions, ConversationService conversations, CancellationToken ct) =>
            Results.Ok(await conversations.NewThreadAsync(await sessions.GetAsync(session, ct), ct)));

        group.MapPost("/{session}/threads/{threadId:guid}/activate", async (string session, Guid threadId, SessionService sessions, ConversationService conversations, CancellationToken ct) =>
            Results.Ok(await conversations.SwitchThreadAsync(await sessions.GetAsync(session, ct), threadId, ct)));

        group.MapPost("/{session}/messages/{messageId:guid}/fork", async (string session, Guid messageId, SessionService sessions, ConversationService conversations, CancellationToken ct) =>
            Results.Ok(await conversations.ForkAsync(await sessions.GetAsync(session, ct), messageId, ct)));

        group.MapPost("/{session}/edit-last", async (string session, EditRequest? request, SessionService sessions, ConversationService conversations, TurnEngine engine, WaitForDecision approvals, CancellationToken ct) =>
        {
            var s = await sessions.GetAsync(session, ct);
            await conversations.EditLastUserMessageAsync(s, request?.Text ?? "", ct);
            var handle = await engine.StartAsync(s.Id, new TurnInput(null, ResubmitLast: true), approvals, ct);
            return Results.Accepted($"/api/sessions/{s.Id}/events", new TurnStartedView(handle.TurnId, s.Id, handle.ThreadId, $"/api/sessions/{s.Id}/events"));
        });

        group.MapPost("/{session}/retry", async (string session, SessionService sessions, ConversationService conversations, TurnEngine engine, WaitForDecision approvals, CancellationToken ct) =>
        {
            var s = await sessions.GetAsync(session, ct);
            await conversations.PrepareRetryAsync(s, ct);
            var handle = await engine.StartAsync(s.Id, new TurnInput(null, ResubmitLast: true), approvals, ct);
            return Results.Accepted($"/api/sessions/{s.Id}/events", new TurnStartedView(handle.TurnId, s.Id, handle.ThreadId, $"/api/sessions/{s.Id}/events"));
        });

        group.MapGet("/{session}/search", async (string session, string? q, SessionService sessions, ConversationService conversations, CancellationToken ct) =>
            Results.Ok((await conversations.SearchAsync(await sessions.GetAsync(session, ct), q ?? "", ct)).Select(MessageView.From)));

        group.MapGet("/{session}/usage", async (string session, SessionService sessions, UsageService usage, CancellationToken ct) =>
        {
            var s = await sessions.GetAsync(session, ct);
            return Results.Ok(UsageView.From(await usage.ForSessionAsync(s.Id, s.Name, ct)));
        });

        return app;
    }

    private static readonly SessionRequest Empty = new(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
}

public sealed record UsageView(string Scope, long InputTokens, long OutputTokens, long CachedInputTokens, long ReasoningTokens, decimal? Cost, IReadOnlyList<ModelUsage> ByModel)
{
    public static UsageView From(UsageReport r) => new(r.Scope, r.InputTokens, r.OutputTokens, r.CachedInputTokens, r.ReasoningTokens, r.Cost, r.ByModel);
}
