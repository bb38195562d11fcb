using Maestro.Core.Turns;

namespace Maestro.Web.Api;

/// <summary>A pending approval as the inbox API lists it: the approval and the session it belongs to.</summary>
public sealed record InboxApprovalView(
    Guid Id, string Session, Guid SessionId, Guid TurnId, string CallId, string Tool, System.Text.Json.JsonElement Arguments, string Status, DateTimeOffset CreatedAt)
{
    public static InboxApprovalView From(InboxEntry e) => new(
        e.Approval.Id, e.SessionName, e.Approval.SessionId, e.Approval.TurnId, e.Approval.CallId, e.Approval.Tool, e.Approval.Arguments,
        e.Approval.Status.ToWire(), e.Approval.CreatedAt);
}
