using System.Text.Json;

namespace Maestro.Core.Turns;

/// <summary>A tool call that waits for the user's decision because the policy says "ask".</summary>
public sealed record Approval(
    Guid Id,
    Guid TurnId,
    Guid SessionId,
    string CallId,
    string Tool,
    JsonElement Arguments,
    ApprovalStatus Status,
    string? Reason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DecidedAt);

public enum ApprovalStatus
{
    Pending,
    /// <summary>Approved once.</summary>
    Approved,
    /// <summary>Approved, and the tool is allowed for the rest of the session.</summary>
    ApprovedForSession,
    Denied,
    /// <summary>The turn ended (stopped, crashed) before a decision.</summary>
    Expired,
}

public static class ApprovalStatusNames
{
    public static string ToWire(this ApprovalStatus s) => s switch
    {
        ApprovalStatus.Pending => "pending",
        ApprovalStatus.Approved => "approved",
        ApprovalStatus.ApprovedForSession => "approved_session",
        ApprovalStatus.Denied => "denied",
        _ => "expired",
    };

    public static ApprovalStatus Parse(string s) => s switch
    {
        "pending" => ApprovalStatus.Pending,
        "approved" => ApprovalStatus.Approved,
        "approved_session" => ApprovalStatus.ApprovedForSession,
        "denied" => ApprovalStatus.Denied,
        _ => ApprovalStatus.Expired,
    };

    /// <summary>Accepts what users type: approve/once, session/always, deny/no.</summary>
    public static ApprovalStatus? ParseDecision(string? s) => s?.Trim().ToLowerInvariant() switch
    {
        "approve" or "approved" or "once" or "yes" or "y" => ApprovalStatus.Approved,
        "approve_session" or "approved_session" or "session" or "always" or "a" => ApprovalStatus.ApprovedForSession,
        "deny" or "denied" or "no" or "n" => ApprovalStatus.Denied,
        _ => null,
    };
}
