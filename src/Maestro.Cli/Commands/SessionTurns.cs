using Maestro.Cli.Approvals;
using Maestro.Cli.Output;
using Maestro.Cli.Output.Markdown;
using Maestro.Core.Events;
using Maestro.Core.Sessions;
using Maestro.Core.Turns;
using Maestro.Data.Notifications;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>
/// Runs a session's turn in this process and shows it as it happens; other viewers (the UI, `maestro attach`) follow it
/// live. Ctrl+C stops the turn (its partial answer is kept). "Ask" tools are asked at the terminal, or, with no
/// terminal, denied by the non-interactive default (and the output says so).
/// </summary>
public static class SessionTurns
{
    /// <param name="renderMarkdown">Show each finished answer as rendered Markdown (on a terminal, without --json).</param>
    public static async Task<int> RunAsync(
        CliContext ctx, Session session, TurnInput input, bool json, CancellationToken cancellationToken, bool echoInput = true, bool renderMarkdown = false)
    {
        await ctx.Services.StartLiveEventsAsync(cancellationToken);
        var hub = ctx.Get<SessionEventHub>();
        var engine = ctx.Get<TurnEngine>();
        var interactive = ctx.StdinIsTerminal && !json;
        var onTerminal = !Console.IsOutputRedirected;
        // A dumb terminal cannot move the cursor up: the answer stays as it streamed.
        var canRewrite = onTerminal && !json && Environment.GetEnvironmentVariable("TERM") is not "dumb";
        var markdown = renderMarkdown && canRewrite ? new MarkdownRewrite(ctx.Console, ctx.Stdout, ScreenSize) : null;
        var printer = new SessionEventPrinter(ctx.Console, ctx.Stdout, Console.Error, json, onTerminal)
        {
            AnswersApprovals = interactive,
            EchoesInput = echoInput,
            Markdown = markdown,
        };

        // A question at the terminal lands below the answer: from then on the answer's rows cannot be counted.
        using var terminal = interactive ? new TerminalApprovals(ctx.Console, ctx.Get<ApprovalService>()) { BeforeAsking = markdown is null ? null : markdown.Abandon } : null;
        IApprovalHandler approvals = terminal is not null ? terminal : new DenyWhenNonInteractive(ctx.Get<ApprovalService>());

        // Subscribed before the turn starts, so not one event is missed.
        using var subscription = hub.Subscribe(session.Id);
        var handle = await StartAsync(engine, session, input, approvals, cancellationToken);
        using var interrupt = ctx.OnInterrupt(() =>
        {
            _ = engine.StopAsync(session.Id, CancellationToken.None);
            return true;
        });

        await foreach (var e in subscription.Reader.ReadAllAsync(CancellationToken.None))
        {
            if (e.TurnId is { } turnId && turnId != handle.TurnId)
            {
                continue;
            }

            printer.Print(e);
            if (e.Type == SessionEventTypes.TurnFinished && e.TurnId == handle.TurnId)
            {
                break;
            }
        }

        var outcome = await handle.Completion;
        return outcome.Status switch
        {
            TurnStatus.Completed => 0,
            TurnStatus.Cancelled => 130,
            _ => 3,
        };
    }

    private static (int Width, int Height) ScreenSize()
    {
        try
        {
            return (Console.WindowWidth, Console.WindowHeight);
        }
        catch (IOException)
        {
            // No screen to measure: nothing is rewritten.
            return (0, 0);
        }
    }

    /// <summary>Starts the turn; while Maestro is busy (at its turn limit, the database saturated) says so and retries.</summary>
    private static async Task<TurnHandle> StartAsync(
        TurnEngine engine, Session session, TurnInput input, IApprovalHandler approvals, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await engine.StartAsync(session.Id, input, approvals, cancellationToken);
            }
            catch (Core.Errors.BusyException busy)
            {
                await Console.Error.WriteLineAsync($"{busy.Message} Busy, retrying in {busy.RetryAfter.TotalSeconds:0} s (Ctrl+C gives up).");
                await Task.Delay(busy.RetryAfter, cancellationToken);
            }
        }
    }
}
