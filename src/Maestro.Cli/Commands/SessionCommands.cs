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
        session.Aliases.Add("sessions");
        session.Subcommands.Add(CreateCommand(context));
        session.Subcommands.Add(List(context));
        session.Subcommands.Add(Show(context));
        session.Subcommands.Add(Edit(context));
        session.Subcommands.Add(Remove(context));
        session.Subcommands.Add(Stop(context));
        session.Subcommands.Add(SessionApprovalCommands.Approve(context));
        session.Subcommands.Add(SessionContextCommands.Context(context));
        session.Subcommands.Add(SessionContextCommands.Compact(context));
        session.Subcommands.Add(SessionHistoryCommands.History(context));
        session.Subcommands.Add(SessionHistoryCommands.Threads(context));
        session.Subcommands.Add(SessionHistoryCommands.NewThread(context));
        session.Subcommands.Add(SessionHistoryCommands.Search(context));
        session.Subcommands.Add(SessionContextCommands.Usage(context));
        session.Subcommands.Add(SessionTransferCommands.Export(context));
        session.Subcommands.Add(SessionTransferCommands.Import(context));
        return session;
    }

    internal static Argument<string> Name() => new("session") { Description = "The session's name (or id)." };

    private static Command CreateCommand(Func<CliContext> context)
    {
        var name = new Argument<string>("name") { Description = $"A name for the session: {SessionNames.Rule}." };
        var options = new SessionOptions();
        var json = CommonOptions.Json();
        var command = new Command("create", "Create a session (without --model: the model `chat` would pick for the auth). Example: maestro session create fix-bug --auth anthropic/work --model claude-sonnet-4-5 --workdir . --approve ask") { name, json };
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
            ctx.Console.MarkupLine($"[grey]Chat with: {Errors.Escape(Invocation.Name)} chat --session {Errors.Escape(created.Name)} \"...\"[/]");
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
                ctx.Console.MarkupLine($"No sessions yet. Create one with [bold]{Errors.Escape(Invocation.Name)} session create <name> --auth <provider/name> [[--model <model>]] [[--workdir DIR]][/].");
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

}
