using Maestro.Cli.Output;
using Maestro.Core.Turns;
using Spectre.Console;

namespace Maestro.Cli.Approvals;

/// <summary>
/// Asks the person at the terminal about a call the policy marks "ask", showing the tool and its arguments:
/// approve once, approve for this session, or deny (with an optional reason the model is told). Several calls of one
/// round are asked one after the other.
/// </summary>
public sealed class TerminalApprovals(IAnsiConsole console, ApprovalService approvals) : IApprovalHandler, IDisposable
{
    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>Called before the question is printed (the REPL then leaves the answer above it as it is).</summary>
    public Action? BeforeAsking { get; init; }

    public async Task<ApprovalStatus> DecideAsync(PendingApproval pending, CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken);
        try
        {
            BeforeAsking?.Invoke();
            // Another surface (the UI) may have answered while this one waited for its turn.
            var current = pending.Approval;
            console.WriteLine();
            console.MarkupLine($"[yellow]⏸ {Markup.Escape(pending.Tool.Name)}[/] wants to run ([grey]{pending.Tool.Effect.ToString().ToLowerInvariant()}[/]):");
            foreach (var (name, value) in pending.Arguments ?? new Dictionary<string, object?>())
            {
                var text = value?.ToString() ?? "null";
                console.MarkupLine($"  [bold]{Markup.Escape(name)}[/]: {Markup.Escape(text.Length > 2000 ? text[..2000] + "…" : text)}");
            }

            var choice = await Task.Run(() => console.Prompt(new SelectionPrompt<string>()
                .Title("Allow it?")
                .AddChoices("Approve once", $"Approve {pending.Tool.Name} for this session", "Deny")), cancellationToken);
            var decision = choice switch
            {
                "Approve once" => ApprovalStatus.Approved,
                "Deny" => ApprovalStatus.Denied,
                _ => ApprovalStatus.ApprovedForSession,
            };
            string? reason = null;
            if (decision == ApprovalStatus.Denied)
            {
                reason = console.Prompt(new TextPrompt<string>("Reason for the model (optional):").AllowEmpty());
                reason = string.IsNullOrWhiteSpace(reason) ? null : reason;
            }

            try
            {
                var decided = (await approvals.DecideAsync(current.SessionId, current.Id, decision, reason, cancellationToken)).Status;

                // The selection list disappears once answered: the decision stays on screen instead.
                console.MarkupLine(decided switch
                {
                    ApprovalStatus.Approved => "  [green]✓ approved once[/]",
                    ApprovalStatus.ApprovedForSession => $"  [green]✓ approved {Markup.Escape(pending.Tool.Name)} for this session[/]",
                    _ => $"  [red]✗ denied[/]{(reason is null ? "" : $"[grey]: {Markup.Escape(reason)}[/]")}",
                });
                return decided;
            }
            catch (Core.Errors.ConflictException ex)
            {
                // Answered elsewhere (the UI) meanwhile: that answer stands.
                console.MarkupLine($"[grey]{Markup.Escape(ex.Message)}[/]");
                return (await approvals.GetAsync(current.Id, cancellationToken))?.Status ?? ApprovalStatus.Denied;
            }
        }
        finally
        {
            _one.Release();
        }
    }

    public void Dispose() => _one.Dispose();
}
