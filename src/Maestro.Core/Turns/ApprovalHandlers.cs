using Maestro.Core.Tools;

namespace Maestro.Core.Turns;

/// <summary>How a running turn obtains the user's decision on a call that needs approval.</summary>
public interface IApprovalHandler
{
    Task<ApprovalStatus> DecideAsync(PendingApproval pending, CancellationToken cancellationToken);
}

/// <param name="Approval">The stored approval (already announced to every viewer).</param>
public sealed record PendingApproval(Approval Approval, ToolDefinition Tool, IDictionary<string, object?>? Arguments);

/// <summary>
/// The server's way: wait until someone decides (UI, REST, CLI in another process). Decisions arrive as signals; the
/// store is also re-read every few seconds in case a signal was lost.
/// </summary>
public sealed class WaitForDecision(IApprovalStore approvals, TurnSignals signals) : IApprovalHandler
{
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(3);

    public async Task<ApprovalStatus> DecideAsync(PendingApproval pending, CancellationToken cancellationToken)
    {
        var id = pending.Approval.Id;
        var decided = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listening = signals.Listen(s =>
        {
            if (s.Kind == TurnSignal.ApprovalDecided && s.Id == id)
            {
                decided.TrySetResult();
            }
        });

        while (true)
        {
            var current = await approvals.GetAsync(id, cancellationToken);
            if (current is not null && current.Status != ApprovalStatus.Pending)
            {
                return current.Status;
            }

            await Task.WhenAny(decided.Task, Task.Delay(Recheck, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}

/// <summary>
/// No one can answer (a CLI turn without a terminal): "ask" is answered by the non-interactive default, deny, and the
/// decision says so, so the model and the user both know why.
/// </summary>
public sealed class DenyWhenNonInteractive(ApprovalService service) : IApprovalHandler
{
    public const string Reason = "No terminal is attached to approve it; denied by the non-interactive default. Allow the tool in the session's policy to let it run unattended.";

    public async Task<ApprovalStatus> DecideAsync(PendingApproval pending, CancellationToken cancellationToken)
    {
        var decided = await service.DecideAsync(pending.Approval.SessionId, pending.Approval.Id, ApprovalStatus.Denied, Reason, cancellationToken);
        return decided.Status;
    }
}
