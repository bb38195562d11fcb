using Maestro.Core.Errors;
using Maestro.Core.Turns;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Api;

/// <summary>/api/approvals: the inbox — every session's pending tool approvals, decided by id.</summary>
public static class ApprovalEndpoints
{
    public static IEndpointRouteBuilder MapApprovalApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/approvals");

        group.MapGet("/", async (ApprovalService approvals, CancellationToken ct) =>
            Results.Ok((await approvals.InboxAsync(ct)).Select(InboxApprovalView.From)));

        group.MapPost("/{approvalId:guid}", async (Guid approvalId, DecisionRequest? request, ApprovalService approvals, CancellationToken ct) =>
        {
            var decision = ApprovalStatusNames.ParseDecision(request?.Decision)
                ?? throw new ValidationFailedException("decision", "Decision must be approve, approve_session or deny.");
            return Results.Ok(ApprovalView.From(await approvals.DecideAsync(approvalId, decision, Reason(request?.Reason), ct)));
        });

        return app;
    }

    private static string? Reason(string? reason) => string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
}
