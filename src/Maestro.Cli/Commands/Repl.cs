using Maestro.Cli.LineEditing;
using Maestro.Cli.Output;
using Maestro.Core.Configuration;
using Maestro.Core.Context;
using Maestro.Core.Conversations;
using Maestro.Core.Errors;
using Maestro.Core.Sessions;
using Maestro.Core.Tools;
using Maestro.Core.Turns;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>
/// The interactive session: type a message to run a turn (Ctrl+C stops it), or a command — /model, /compact,
/// /context, /tools, /stop, /new, /history, /help, /quit.
/// </summary>
public static class Repl
{
    private const string Help = """"
        /model [ID]     show or switch the model (the history is kept and translated)
        /compact        summarize the older turns now
        /context [rm ID] list the context chunks and their sizes, or remove one (ID: the 8 characters shown)
        /tools          the tools this session has and their permissions
        /stop           stop a turn of this session running elsewhere (Ctrl+C stops one running here)
        /new            start a new thread (the old one stays in the history)
        /history [N]    show the last N messages (default 10)
        /help           this list
        /quit           leave (Ctrl+D works too)

        Editing: ←/→, Home/End (Ctrl+A/E), Alt+B/F or Ctrl+←/→ by word, Ctrl+U/K delete to the start/end,
        Ctrl+W the word before, ↑/↓ (Ctrl+P/N) earlier entries, Ctrl+L clears the screen, Ctrl+C drops the line.
        Several lines: end a line with \ to continue it, Alt+Enter for a new line, or put the text between
        two lines of """.
        Answers stream as text and are redrawn as rendered Markdown once finished, if they still fit on the screen.
        History: kept across runs in $MAESTRO_HOME/repl-history (the last 1,000 entries). Entries that start
        with a space, or that hold something shaped like a key or token (sk-…, AIza…, ghp_…, a long run of
        letters and digits), are never saved.
        """";

    public static async Task<int> RunAsync(CliContext ctx, Session session, CancellationToken cancellationToken)
    {
        var sessions = ctx.Get<SessionService>();
        ctx.Console.MarkupLine($"[bold]{Markup.Escape(session.Name)}[/] · {Markup.Escape(session.Auth?.ToString() ?? "no auth")} · {Markup.Escape(session.Model)}"
            + (session.WorkingDirectory is { } dir ? $" · {Markup.Escape(dir)}" : ""));
        ctx.Console.MarkupLine("[grey]Type a message, or /help. Ctrl+C stops a running answer; /quit or Ctrl+D leaves.[/]");
        var reader = CreateReader(ctx);
        while (!cancellationToken.IsCancellationRequested)
        {
            var line = await Task.Run(() => Read(reader), CancellationToken.None);
            if (line is null)
            {
                return 0;
            }

            line = line.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            session = await sessions.GetAsync(session.Id, cancellationToken);
            try
            {
                if (line.StartsWith('/'))
                {
                    if (!await CommandAsync(ctx, session, line, cancellationToken))
                    {
                        return 0;
                    }

                    continue;
                }

                // The editor already shows what was typed: the turn does not repeat it.
                await SessionTurns.RunAsync(ctx, session, new TurnInput(line), json: false, cancellationToken, echoInput: false, renderMarkdown: true);
            }
            catch (MaestroException ex)
            {
                Errors.Report(ex, Console.Error, debug: false);
            }
        }

        return 0;
    }

    private static ReplReader CreateReader(CliContext ctx)
    {
        var history = new ReplHistory(MaestroHome.FromEnvironment(name => ctx.Configuration[name]).Combine("repl-history"));
        var color = ctx.Console.Profile.Capabilities.Ansi;
        if (Console.IsInputRedirected || Console.IsOutputRedirected)
        {
            return new ReplReader(null, Console.In, Console.Out, history, color);
        }

        var editor = new LineEditor(history, Console.Out, () => Console.ReadKey(intercept: true), () =>
        {
            try
            {
                return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
            }
            catch (IOException)
            {
                return 80;
            }
        });
        return new ReplReader(editor, Console.In, Console.Out, history, color);
    }

    private static string? Read(ReplReader reader)
    {
        // While a line is edited, Ctrl+C drops the line (as in a shell); during a turn it stops the turn.
        var terminal = !Console.IsInputRedirected;
        if (terminal)
        {
            Console.TreatControlCAsInput = true;
        }

        try
        {
            return reader.Read();
        }
        finally
        {
            if (terminal)
            {
                Console.TreatControlCAsInput = false;
            }
        }
    }

    /// <returns>False to leave the REPL.</returns>
    private static async Task<bool> CommandAsync(CliContext ctx, Session session, string line, CancellationToken ct)
    {
        var parts = line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        switch (parts[0])
        {
            case "/quit" or "/exit" or "/q":
                return false;
            case "/help" or "/?":
                ctx.Console.WriteLine(Help);
                break;
            case "/model" when parts.Length == 1:
                ctx.Console.MarkupLine($"Model: {Markup.Escape(session.Model)} ({Markup.Escape(session.Auth?.ToString() ?? "")})");
                break;
            case "/model":
                var updated = await ctx.Get<SessionService>().UpdateAsync(session.Id, new SessionSpec { Model = parts[1] }, ct);
                ctx.Console.MarkupLine($"Model is now {Markup.Escape(updated.Model)}.");
                break;
            case "/compact":
                var result = await ctx.Get<ContextService>().CompactAsync(session, ct);
                ctx.Console.MarkupLine($"Compacted {result.Messages} messages (~{result.TokensBefore:N0} tokens) into ~{result.TokensAfter:N0}.");
                break;
            case "/context" when parts.Length == 3 && parts[1] == "rm":
                var listed = await ctx.Get<ContextService>().ListAsync(session, ct);
                var chunk = ShortIds.Resolve(parts[2], listed.Chunks.Select(c => c.Id), "chunk", "a chunk", "/context lists them.");
                var removed = await ctx.Get<ContextService>().DeleteAsync(session, chunk, ct);
                ctx.Console.MarkupLine($"Removed {removed.Count} chunk{(removed.Count == 1 ? "" : "s")}.");
                break;
            case "/context":
                ContextTable.Write(ctx.Console, await ctx.Get<ContextService>().ListAsync(session, ct));
                break;
            case "/tools":
                var tools = await ctx.Get<TurnEngine>().ToolsAsync(session, ct);
                if (tools.Count == 0)
                {
                    ctx.Console.MarkupLine("No tools (set a working directory with `session edit --workdir DIR` for file and shell tools).");
                }

                foreach (var tool in tools.Tools)
                {
                    ctx.Console.MarkupLine($"{Markup.Escape(tools.ModelName(tool))} [grey]({session.Policy.Resolve(tool.Definition).ToWire()}, {Markup.Escape(tool.Definition.Source)})[/]");
                }

                break;
            case "/stop":
                await Maestro.Data.Notifications.LiveEvents.StartLiveEventsAsync(ctx.Services, ct);
                ctx.Console.MarkupLine(await ctx.Get<TurnEngine>().StopAsync(session.Id, ct) ? "Asked the running turn to stop." : "No turn is running.");
                break;
            case "/new" or "/clear":
                await ctx.Get<ConversationService>().NewThreadAsync(session, ct);
                ctx.Console.MarkupLine("New thread started.");
                break;
            case "/history":
                var count = parts.Length > 1 && int.TryParse(parts[1], out var n) ? n : 10;
                foreach (var m in await ctx.Get<ConversationService>().MessagesAsync(session, null, null, count, ct))
                {
                    HistoryWriter.Write(ctx.Console, m);
                }

                break;
            default:
                ctx.Console.MarkupLine($"Unknown command {Markup.Escape(parts[0])}; /help lists them.");
                break;
        }

        return true;
    }
}
