using Maestro.Core.Conversations;
using Maestro.Core.Errors;
using Maestro.Core.Events;
using Maestro.Core.Sessions;
using Maestro.Core.Tools;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Turns;

/// <summary>
/// Decides pending tool approvals, from whichever surface the user answers (UI, REST, CLI). "Approve for this session"
/// also allows the tool from then on. The turn waiting for it, in whatever process, is told at once.
/// </summary>
public sealed class ApprovalService(IApprovalStore approvals, ISessionStore sessions, SessionEventHub events, TurnSignals signals)
{
    /// <summary>The most the inbox lists at once (the oldest first); the count says how many wait in all.</summary>
    public const int InboxLimit = 200;

    public Task<IReadOnlyList<Approval>> PendingAsync(Guid sessionId, CancellationToken cancellationToken) =>
        approvals.PendingAsync(sessionId, cancellationToken);

    /// <summary>Every session's pending approvals, oldest first: one place that shows what is waiting.</summary>
    public async Task<IReadOnlyList<InboxEntry>> InboxAsync(CancellationToken cancellationToken)
    {
        var pending = await approvals.AllPendingAsync(InboxLimit, cancellationToken);
        var names = new Dictionary<Guid, string>();
        var entries = new List<InboxEntry>(pending.Count);
        foreach (var a in pending)
        {
            if (!names.TryGetValue(a.SessionId, out var name))
            {
                // A session deleted meanwhile takes its approvals with it (cascade); skip the straggler.
                name = (await sessions.GetAsync(a.SessionId, cancellationToken))?.Name ?? "";
                names[a.SessionId] = name;
            }

            if (name.Length > 0)
            {
                entries.Add(new InboxEntry(a, name));
            }
        }

        return entries;
    }

    public Task<int> CountPendingAsync(CancellationToken cancellationToken) => approvals.CountPendingAsync(cancellationToken);

    /// <summary>Decides an approval known only by its id (the inbox, `maestro approvals`), whatever session it is in.</summary>
    public async Task<Approval> DecideAsync(Guid approvalId, ApprovalStatus decision, string? reason, CancellationToken cancellationToken)
    {
        var existing = await approvals.GetAsync(approvalId, cancellationToken)
            ?? throw new NotFoundException($"There is no approval {approvalId}.");
        return await DecideAsync(existing.SessionId, approvalId, decision, reason, cancellationToken);
    }

    /// <summary>
    /// The approvals of the tool calls in these messages, pending or decided, so a page drawn from storage shows each
    /// call's buttons or its decision the way the live page did.
    /// </summary>
    public async Task<IReadOnlyList<Approval>> ForMessagesAsync(Guid sessionId, IReadOnlyList<ConversationMessage> messages, CancellationToken cancellationToken)
    {
        var callIds = new List<string>();
        foreach (var m in messages)
        {
            if (m.Role != MessageRole.Assistant)
            {
                continue;
            }

            foreach (var c in m.Contents)
            {
                if (c is FunctionCallContent call)
                {
                    callIds.Add(call.CallId);
                }
            }
        }

        return await approvals.ForCallsAsync(sessionId, callIds, cancellationToken);
    }

    public Task<Approval?> GetAsync(Guid approvalId, CancellationToken cancellationToken) => approvals.GetAsync(approvalId, cancellationToken);

    public async Task<Approval> DecideAsync(Guid sessionId, Guid approvalId, ApprovalStatus decision, string? reason, CancellationToken cancellationToken)
    {
        if (decision is ApprovalStatus.Pending or ApprovalStatus.Expired)
        {
            throw new ValidationFailedException("decision", "Choose approve, approve_session or deny.");
        }

        var existing = await approvals.GetAsync(approvalId, cancellationToken);
        if (existing is null || existing.SessionId != sessionId)
        {
            throw new NotFoundException($"There is no approval {approvalId} in this session.");
        }

        var decided = await approvals.DecideAsync(approvalId, decision, reason, cancellationToken)
            ?? throw new ConflictException($"This tool call was already {existing.Status.ToWire().Replace('_', ' ')}.", "decision");

        if (decision == ApprovalStatus.ApprovedForSession && await sessions.GetAsync(sessionId, cancellationToken) is { } session)
        {
            await sessions.UpdateAsync(session with { Policy = session.Policy.With(decided.Tool, ToolPermission.Allow) }, cancellationToken);
        }

        events.Publish(new SessionEvent
        {
            SessionId = sessionId,
            Type = SessionEventTypes.ApprovalResolved,
            TurnId = decided.TurnId,
            Approval = new ApprovalInfo(decided.Id, decided.CallId, decided.Tool, null, decided.Status.ToWire(), reason),
        });
        signals.Send(new TurnSignal(TurnSignal.ApprovalDecided, decided.Id));
        return decided;
    }
}
