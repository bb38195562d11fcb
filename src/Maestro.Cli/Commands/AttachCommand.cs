using System.CommandLine;
using Maestro.Cli.Output;
using Maestro.Core.Events;
using Maestro.Core.Sessions;
using Maestro.Core.Turns;
using Maestro.Data.Notifications;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>
/// `maestro attach session`: follow a session live from another terminal — the answer written so far, then every event
/// as it happens, whichever process runs the turn. On a terminal, approvals can be answered here.
/// </summary>
public static class AttachCommand
{
    public static Command Create(Func<CliContext> context)
    {
        var name = SessionCommands.Name();
        var untilDone = new Option<bool>("--until-done") { Description = "Leave when the running turn finishes (or at once if none runs)." };
        var json = new Option<bool>("--json") { Description = "Print the events as JSON lines." };
        var command = new Command("attach", "Follow a session live (a turn in progress shows what it wrote so far, then continues live). Ctrl+C leaves.") { name, untilDone, json };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var session = await ctx.Get<SessionService>().GetAsync(parse.GetValue(name)!, ct);
            await ctx.Services.StartLiveEventsAsync(ct);
            var hub = ctx.Get<SessionEventHub>();
            using var subscription = hub.Subscribe(session.Id);
            var snapshot = await ctx.Get<TurnSnapshots>().TakeAsync(session.Id, ct);
            var interactive = ctx.StdinIsTerminal && !parse.GetValue(json);
            var printer = new SessionEventPrinter(ctx.Console, ctx.Stdout, Console.Error, parse.GetValue(json), !Console.IsOutputRedirected)
            {
                AnswersApprovals = interactive,
            };
            printer.Print(snapshot);
            var running = snapshot.Turn?.Status == "running";
            if (!running)
            {
                if (parse.GetValue(untilDone))
                {
                    ctx.Console.MarkupLine($"No turn is running in {Markup.Escape(session.Name)}.");
                    return 0;
                }

                ctx.Console.MarkupLine($"[grey]Following {Markup.Escape(session.Name)}; no turn is running now. Ctrl+C leaves.[/]");
            }

            try
            {
                var coverage = SnapshotCoverage.Of(snapshot);
                var join = new SnapshotJoin(coverage);
                await foreach (var e in subscription.Reader.ReadAllAsync(ct))
                {
                    // What the snapshot printed is not printed again.
                    if (coverage.Unseen(e) is not { } unseen)
                    {
                        continue;
                    }

                    if (join.LeavesGapBefore(unseen))
                    {
                        await FillGapAsync(ctx, printer, coverage, unseen, ct);
                    }

                    printer.Print(unseen);
                    if (interactive && e.Type == SessionEventTypes.ApprovalRequested && e.Approval is { } approval)
                    {
                        await AnswerAsync(ctx, session, approval, ct);
                    }

                    if (parse.GetValue(untilDone) && e.Type == SessionEventTypes.TurnFinished)
                    {
                        return 0;
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }

            return 0;
        });
        return command;
    }

    /// <summary>
    /// The turn runs in another process, which this one heard only after its last save: the text between the snapshot
    /// and the first delta heard comes from the database, once saved.
    /// </summary>
    private static async Task FillGapAsync(CliContext ctx, SessionEventPrinter printer, SnapshotCoverage coverage, SessionEvent first, CancellationToken ct)
    {
        if (await ctx.Get<TurnSnapshots>().MissingDeltaAsync(coverage, first, ct) is { } missing)
        {
            printer.Print(missing);
        }
        else
        {
            Console.Error.WriteLine($"maestro: {first.Delta!.Offset - coverage.TextLength} characters written before this attach could not be read yet; the stored answer has them.");
        }
    }

    private static async Task AnswerAsync(CliContext ctx, Session session, ApprovalInfo approval, CancellationToken ct)
    {
        ctx.Console.MarkupLine($"[yellow]⏸ {Markup.Escape(approval.Tool)}[/]({Markup.Escape(SessionEventPrinter.Arguments(approval.Arguments))}) waits for approval.");
        var choice = ctx.Console.Prompt(new SelectionPrompt<string>().Title("Allow it?").AddChoices("Approve once", "Approve for this session", "Deny", "Leave it to someone else"));
        var decision = choice switch
        {
            "Approve once" => ApprovalStatus.Approved,
            "Approve for this session" => ApprovalStatus.ApprovedForSession,
            "Deny" => ApprovalStatus.Denied,
            _ => (ApprovalStatus?)null,
        };
        if (decision is null)
        {
            return;
        }

        try
        {
            await ctx.Get<ApprovalService>().DecideAsync(session.Id, approval.ApprovalId, decision.Value, null, ct);
        }
        catch (Core.Errors.ConflictException ex)
        {
            ctx.Console.MarkupLine($"[grey]{Markup.Escape(ex.Message)}[/]");
        }
    }
}
