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

    Task ExpireForTurnAsync(Guid turnId, CancellationToken cancellationToken);
}
