using System.CommandLine;
using System.Globalization;
using Maestro.Cli.Output;
using Maestro.Core.Context;
using Maestro.Core.Conversations;
using Maestro.Core.Errors;
using Maestro.Core.Sessions;
using Maestro.Core.Tools;
using Maestro.Core.Turns;
using Maestro.Core.Usage;
using Maestro.Data.Notifications;
using Maestro.Web.Api;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>`maestro session ...`: agents with an auth, a model, tools and a working directory, and their conversations.</summary>
public static class SessionCommands
{
    public static Command Create(Func<CliContext> context)
    {
        var session = new Command("session", "Manage sessions: agents with an auth, model, prompts, tools and a working directory.");
        session.Subcommands.Add(CreateCommand(context));
        session.Subcommands.Add(List(context));
        session.Subcommands.Add(Show(context));
        session.Subcommands.Add(Edit(context));
        session.Subcommands.Add(Remove(context));
        session.Subcommands.Add(Stop(context));
        session.Subcommands.Add(Approve(context));
        session.Subcommands.Add(Context(context));
        session.Subcommands.Add(Compact(context));
        session.Subcommands.Add(History(context));
        session.Subcommands.Add(Threads(context));
        session.Subcommands.Add(NewThread(context));
        session.Subcommands.Add(Search(context));
        session.Subcommands.Add(Usage(context));
        return session;
    }

    internal static Argument<string> Name() => new("session") { Description = "The session's name (or id)." };

    private static Command CreateCommand(Func<CliContext> context)
    {
        var name = new Argument<string>("name") { Description = $"A name for the session: {SessionNames.Rule}." };
        var options = new SessionOptions();
        var json = CommonOptions.Json();
        var command = new Command("create", "Create a session. Example: maestro session create fix-bug --auth anthropic/work --model claude-sonnet-4-5 --workdir . --approve ask") { name, json };
        options.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var spec = options.ToSpec(parse, null) with { Name = parse.GetValue(name) };
            var created = await ctx.Get<SessionService>().CreateAsync(spec, ct);
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, await ctx.Get<SessionViews>().CreateAsync(created, ct));
                return 0;
            }

            ctx.Console.MarkupLine($"[green]Created[/] session {Errors.Escape(created.Name)} ({Errors.Escape(created.Auth?.ToString() ?? "")}, {Errors.Escape(created.Model)}).");
            ctx.Console.MarkupLine($"[grey]Chat with: maestro chat --session {Errors.Escape(created.Name)} \"...\"[/]");
            return 0;
        });
        return command;
    }

    private static Command List(Func<CliContext> context)
    {
        var json = CommonOptions.Json();
        var command = new Command("list", "List sessions, most recently used first.") { json };
        command.Aliases.Add("ls");
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var views = await ctx.Get<SessionViews>().CreateAsync(await ctx.Get<SessionService>().ListAsync(ct), ct);

            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, views);
                return 0;
            }

            if (views.Count == 0)
            {
                ctx.Console.MarkupLine("No sessions yet. Create one with [bold]maestro session create <name> --auth <provider/name> --model <model> [[--workdir DIR]][/].");
                return 0;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("Session", "Auth", "Model", "Working directory", "State", "Updated");
            foreach (var s in views)
            {
                table.AddRow(Errors.Escape(s.Name), Errors.Escape(s.Auth ?? "[deleted]"), Errors.Escape(s.Model), Errors.Escape(s.WorkingDirectory ?? ""),
                    s.RunningTurnId is null ? "idle" : "[yellow]streaming[/]", s.UpdatedAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
            }

            ctx.Console.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Show(Func<CliContext> context)
    {
        var name = Name();
        var json = CommonOptions.Json();
        var command = new Command("show", "Show a session's settings, tools and policy.") { name, json };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var s = await ctx.Get<SessionService>().GetAsync(parse.GetValue(name)!, ct);
            var running = await ctx.Get<ITurnStore>().GetRunningAsync(s.Id, ct);
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, await ctx.Get<SessionViews>().CreateAsync(s, ct));
                return 0;
            }

            var tools = await ctx.Get<TurnEngine>().ToolsAsync(s, ct);
            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("[bold]Session[/]", Errors.Escape(s.Name));
            grid.AddRow("[bold]Auth[/]", Errors.Escape(s.Auth?.ToString() ?? "(deleted: choose one with `session edit --auth`)"));
            grid.AddRow("[bold]Model[/]", Errors.Escape(s.Model));
            grid.AddRow("[bold]Working directory[/]", Errors.Escape(s.WorkingDirectory ?? "(none: plain chat, no file or shell tools)"));
            grid.AddRow("[bold]State[/]", running is null ? "idle" : $"[yellow]turn running since {running.StartedAt.ToLocalTime():HH:mm:ss}[/]");
            var toolLines = tools.Tools.Select(t => $"{t.Definition.Name} ({s.Policy.Resolve(t.Definition).ToWire()})").ToList();
            grid.AddRow("[bold]Tools[/]", Errors.Escape(toolLines.Count == 0 ? "none" : string.Join(", ", toolLines)));
            grid.AddRow("[bold]Default policy[/]", Errors.Escape(s.Policy.Default?.ToWire() ?? "read-only tools allowed, others ask"));
            if (s.SystemPrompt is { } system)
            {
                grid.AddRow("[bold]System prompt[/]", Errors.Escape(system.Length > 300 ? system[..300] + "…" : system));
            }

            grid.AddRow("[bold]Round limit[/]", s.Settings.RoundLimit.ToString(CultureInfo.InvariantCulture));
            grid.AddRow("[bold]Auto-compact[/]", s.Settings.AutoCompact ? "on" : "off");
            grid.AddRow("[bold]Shell env passthrough[/]", Errors.Escape(s.Settings.ShellEnvPassthrough.Count == 0 ? "none" : string.Join(", ", s.Settings.ShellEnvPassthrough)));
            ctx.Console.Write(grid);
            return 0;
        });
        return command;
    }

    private static Command Edit(Func<CliContext> context)
    {
        var name = Name();
        var rename = new Option<string>("--name") { Description = "A new name for the session.", HelpName = "NAME" };
        var clearWorkdir = new Option<bool>("--no-workdir") { Description = "Remove the working directory (the session becomes a plain chat)." };
        var options = new SessionOptions();
        var command = new Command("edit", "Change a session's auth, model, tools, policy or prompts (between turns; history is kept and translated).") { name, rename, clearWorkdir };
        options.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var service = ctx.Get<SessionService>();
            var s = await service.GetAsync(parse.GetValue(name)!, ct);
            var spec = options.ToSpec(parse, s) with { Name = parse.GetValue(rename) };
            if (parse.GetValue(clearWorkdir))
            {
                spec = spec with { WorkingDirectory = "" };
            }

            var updated = await service.UpdateAsync(s.Id, spec, ct);
            ctx.Console.MarkupLine($"[green]Updated[/] session {Errors.Escape(updated.Name)}.");
            return 0;
        });
        return command;
    }

    private static Command Remove(Func<CliContext> context)
    {
        var name = Name();
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation." };
        var command = new Command("rm", "Delete a session and its conversation.") { name, yes };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var service = ctx.Get<SessionService>();
            var s = await service.GetAsync(parse.GetValue(name)!, ct);
            if (!parse.GetValue(yes) && ctx.StdinIsTerminal && !ctx.Console.Confirm($"Delete session {Errors.Escape(s.Name)} and its whole conversation?", false))
            {
                return 1;
            }

            await service.DeleteAsync(s.Id, ct);
            ctx.Console.MarkupLine($"[green]Deleted[/] session {Errors.Escape(s.Name)}.");
            return 0;
        });
        return command;
    }

    private static Command Stop(Func<CliContext> context)
    {
        var name = Name();
        var command = new Command("stop", "Stop the session's running turn, wherever it runs (server or another terminal).") { name };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var s = await ctx.Get<SessionService>().GetAsync(parse.GetValue(name)!, ct);
            await ctx.Services.StartLiveEventsAsync(ct);
            if (!await ctx.Get<TurnEngine>().StopAsync(s.Id, ct))
            {
                throw new ConflictException($"No turn is running in session {s.Name}.", "session");
            }

            ctx.Console.MarkupLine($"Asked the turn in {Errors.Escape(s.Name)} to stop.");
            return 0;
        });
        return command;
    }

    private static Command Approve(Func<CliContext> context)
    {
        var name = Name();
        var id = new Argument<string?>("approval") { Description = "The approval id (see `maestro session approve <session>` with no id for the pending ones).", Arity = ArgumentArity.ZeroOrOne };
        var decision = new Argument<string?>("decision") { Description = "approve (once), session (approve for this session) or deny.", Arity = ArgumentArity.ZeroOrOne };
        var reason = new Option<string>("--reason") { Description = "Told to the model with a denial.", HelpName = "TEXT" };
        var command = new Command("approve", "List pending tool approvals of a session, or answer one.") { name, id, decision, reason };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var s = await ctx.Get<SessionService>().GetAsync(parse.GetValue(name)!, ct);
            var approvals = ctx.Get<ApprovalService>();
            if (parse.GetValue(id) is not { } approvalId)
            {
                var pending = await approvals.PendingAsync(s.Id, ct);
                if (pending.Count == 0)
                {
                    ctx.Console.MarkupLine("No tool calls are waiting for approval.");
                    return 0;
                }

                foreach (var a in pending)
                {
                    ctx.Console.MarkupLine($"[yellow]{a.Id}[/] {Errors.Escape(a.Tool)} {Errors.Escape(a.Arguments.GetRawText())}");
                }

                return 0;
            }

            if (!Guid.TryParse(approvalId, out var guid))
            {
                throw new ValidationFailedException("approval", $"'{approvalId}' is not an approval id.");
            }

            var status = ApprovalStatusNames.ParseDecision(parse.GetValue(decision))
                ?? throw new ValidationFailedException("decision", "Give approve, session or deny.");
            await ctx.Services.StartLiveEventsAsync(ct);
            var decided = await approvals.DecideAsync(s.Id, guid, status, parse.GetValue(reason), ct);
            ctx.Console.MarkupLine($"{Errors.Escape(decided.Tool)}: {decided.Status.ToWire().Replace('_', ' ')}.");
            return 0;
        });
        return command;
    }

    private static Command Context(Func<CliContext> context)
    {
        var name = Name();
        var remove = new Option<string[]>("--rm") { Description = "Remove this context chunk (repeatable); a tool call and its result go together.", HelpName = "CHUNK" };
        var json = CommonOptions.Json();
        var command = new Command("context", "List the session's context chunks with sizes against the model's window, or remove chunks.") { name, remove, json };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var s = await ctx.Get<SessionService>().GetAsync(parse.GetValue(name)!, ct);
            var service = ctx.Get<ContextService>();
            foreach (var chunk in parse.GetValue(remove) ?? [])
            {
                if (!Guid.TryParse(chunk, out var chunkId))
                {
                    throw new ValidationFailedException("chunk", $"'{chunk}' is not a chunk id (see `maestro session context {s.Name}`).");
                }

                var removed = await service.DeleteAsync(s, chunkId, ct);
                ctx.Console.MarkupLine($"Removed {removed.Count} chunk{(removed.Count == 1 ? "" : "s")} from the context.");
            }

            var report = await service.ListAsync(s, ct);
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, report);
                return 0;
            }

            ContextTable.Write(ctx.Console, report);
            return 0;
        });
        return command;
    }

    private static Command Compact(Func<CliContext> context)
    {
        var name = Name();
        var command = new Command("compact", "Summarize the older turns now (the latest exchanges stay word for word).") { name };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var s = await ctx.Get<SessionService>().GetAsync(parse.GetValue(name)!, ct);
            var result = await ctx.Get<ContextService>().CompactAsync(s, ct);
            ctx.Console.MarkupLine($"Compacted {result.Messages} messages (~{result.TokensBefore:N0} tokens) into a summary of ~{result.TokensAfter:N0} tokens.");
            return 0;
        });
        return command;
    }

    private static Command History(Func<CliContext> context)
    {
        var name = Name();
        var thread = new Option<Guid?>("--thread") { Description = "A thread id (see `session threads`); default: the current one." };
        var limit = new Option<int>("--limit", "-n") { Description = "How many of the latest messages.", DefaultValueFactory = _ => 50 };
        var json = CommonOptions.Json();
        var command = new Command("history", "Show the conversation (the latest messages of a thread).") { name, thread, limit, json };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var s = await ctx.Get<SessionService>().GetAsync(parse.GetValue(name)!, ct);
            var messages = await ctx.Get<ConversationService>().MessagesAsync(s, parse.GetValue(thread), null, parse.GetValue(limit), ct);
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, messages.Select(MessageView.From));
                return 0;
            }

            foreach (var m in messages)
            {
                HistoryWriter.Write(ctx.Console, m);
            }

            return 0;
        });
        return command;
    }

    private static Command Threads(Func<CliContext> context)
    {
        var name = Name();
        var use = new Option<Guid?>("--use") { Description = "Make this thread the current one." };
        var fork = new Option<Guid?>("--fork") { Description = "Start a new thread from this message (copies the conversation up to it)." };
        var json = CommonOptions.Json();
        var command = new Command("threads", "List the session's threads, switch to one, or fork from a message.") { name, use, fork, json };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var s = await ctx.Get<SessionService>().GetAsync(parse.GetValue(name)!, ct);
            var conversations = ctx.Get<ConversationService>();
            if (parse.GetValue(use) is { } threadId)
            {
                await conversations.SwitchThreadAsync(s, threadId, ct);
                s = await ctx.Get<SessionService>().GetAsync(s.Id, ct);
            }

            if (parse.GetValue(fork) is { } messageId)
            {
                var forked = await conversations.ForkAsync(s, messageId, ct);
                ctx.Console.MarkupLine($"Forked into thread {forked.Id}; it is now current.");
                s = await ctx.Get<SessionService>().GetAsync(s.Id, ct);
            }

            var threads = await conversations.ThreadsAsync(s, ct);
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, threads);
                return 0;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("", "Thread", "Title", "Messages", "Started");
            foreach (var t in threads)
            {
                table.AddRow(t.Id == s.CurrentThreadId ? "[green]●[/]" : "", t.Id.ToString(), Errors.Escape(t.Title ?? ""), t.MessageCount.ToString(CultureInfo.InvariantCulture),
                    t.CreatedAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
            }

            ctx.Console.Write(table);
            return 0;
        });
        return command;
    }

    private static Command NewThread(Func<CliContext> context)
    {
        var name = Name();
        var command = new Command("clear", "Start a new, empty thread (the old one stays in the history).") { name };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var s = await ctx.Get<SessionService>().GetAsync(parse.GetValue(name)!, ct);
            var thread = await ctx.Get<ConversationService>().NewThreadAsync(s, ct);
            ctx.Console.MarkupLine($"New thread {thread.Id}; the previous one is kept in the history.");
            return 0;
        });
        return command;
    }

    private static Command Search(Func<CliContext> context)
    {
        var name = Name();
        var query = new Argument<string>("query") { Description = "Words to find (\"quotes\" for a phrase, -word to exclude)." };
        var json = CommonOptions.Json();
        var command = new Command("search", "Search every thread of a session.") { name, query, json };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var s = await ctx.Get<SessionService>().GetAsync(parse.GetValue(name)!, ct);
            var found = await ctx.Get<ConversationService>().SearchAsync(s, parse.GetValue(query)!, ct);
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, found.Select(MessageView.From));
                return 0;
            }

            foreach (var m in found)
            {
                HistoryWriter.Write(ctx.Console, m);
            }

            ctx.Console.MarkupLine($"[grey]{found.Count} message{(found.Count == 1 ? "" : "s")} found.[/]");
            return 0;
        });
        return command;
    }

    private static Command Usage(Func<CliContext> context)
    {
        var name = Name();
        var json = CommonOptions.Json();
        var command = new Command("usage", "Tokens (and cost, when a price table is configured) used by a session, per model.") { name, json };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var s = await ctx.Get<SessionService>().GetAsync(parse.GetValue(name)!, ct);
            var report = await ctx.Get<UsageService>().ForSessionAsync(s.Id, s.Name, ct);
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, UsageView.From(report));
                return 0;
            }

            UsageTable.Write(ctx.Console, report);
            return 0;
        });
        return command;
    }
}
