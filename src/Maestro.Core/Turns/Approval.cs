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

public interface IApprovalStore
{
    Task<Approval> CreateAsync(Guid turnId, Guid sessionId, string callId, string tool, JsonElement arguments, CancellationToken cancellationToken);

    /// <summary>Decides a pending approval; null if it was not pending any more (decided elsewhere, or expired).</summary>
    Task<Approval?> DecideAsync(Guid approvalId, ApprovalStatus decision, string? reason, CancellationToken cancellationToken);

    Task<Approval?> GetAsync(Guid approvalId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Approval>> PendingAsync(Guid sessionId, CancellationToken cancellationToken);

    Task ExpireForTurnAsync(Guid turnId, CancellationToken cancellationToken);
}
