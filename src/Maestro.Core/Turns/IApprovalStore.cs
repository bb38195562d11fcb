using System.Text.Json;

namespace Maestro.Core.Turns;

/// <summary>Where tool calls waiting for a decision (and the decisions) are kept.</summary>
public interface IApprovalStore
{
    Task<Approval> CreateAsync(Guid turnId, Guid sessionId, string callId, string tool, JsonElement arguments, CancellationToken cancellationToken);

    /// <summary>Decides a pending approval; null if it was not pending any more (decided elsewhere, or expired).</summary>
    Task<Approval?> DecideAsync(Guid approvalId, ApprovalStatus decision, string? reason, CancellationToken cancellationToken);

    Task<Approval?> GetAsync(Guid approvalId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Approval>> PendingAsync(Guid sessionId, CancellationToken cancellationToken);

    /// <summary>Every session's pending approvals, oldest first (the inbox), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<Approval>> AllPendingAsync(int limit, CancellationToken cancellationToken);

    /// <summary>How many approvals wait across all sessions (the nav badge).</summary>
    Task<int> CountPendingAsync(CancellationToken cancellationToken);

    /// <summary>The approvals asked for these tool calls, decided or not (the latest per call).</summary>
    Task<IReadOnlyList<Approval>> ForCallsAsync(Guid sessionId, IReadOnlyCollection<string> callIds, CancellationToken cancellationToken);

    Task ExpireForTurnAsync(Guid turnId, CancellationToken cancellationToken);
}
