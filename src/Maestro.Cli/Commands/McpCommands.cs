using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Maestro.Cli.Output;
using Maestro.Core.Errors;
using Maestro.Core.Mcp;
using Maestro.Web.Api;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>`maestro mcp ...`: MCP servers that sessions can use (local commands over stdio, or remote over HTTP).</summary>
public static class McpCommands
{
    public static Command Create(Func<CliContext> context)
    {
        var mcp = new Command("mcp", """
            Manage MCP servers: local commands (stdio) or remote servers (streamable HTTP or SSE) whose tools sessions can use.
            Env values and headers are stored encrypted and only ever shown redacted.
            """);
        mcp.Subcommands.Add(List(context));
        mcp.Subcommands.Add(Show(context));
        mcp.Subcommands.Add(Add(context));
        mcp.Subcommands.Add(Edit(context));
        mcp.Subcommands.Add(Remove(context));
        mcp.Subcommands.Add(McpTestCommand.Test(context));
        mcp.Subcommands.Add(McpImportCommand.Import(context));
        return mcp;
    }

    private static Command List(Func<CliContext> context)
    {
        var json = CommonOptions.Json();
        var command = new Command("list", "List MCP servers.") { json };
        command.Aliases.Add("ls");
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var servers = (await ctx.Get<McpService>().ListAsync(ct)).Select(McpServerView.From).ToList();
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, servers);
                return 0;
            }

            if (servers.Count == 0)
            {
                ctx.Console.MarkupLine($"No MCP servers yet. Add one with [bold]{Errors.Escape(Invocation.Name)} mcp add <name> -- <command> [[args...]][/], [bold]maestro mcp add <name> --url URL[/], or import them with [bold]maestro mcp import <file.json>[/].");
                return 0;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("Name", "Transport", "Command or URL", "Env / headers", "Enabled");
            foreach (var s in servers)
            {
                table.AddRow(
                    Errors.Escape(s.Name),
                    s.Transport,
                    Errors.Escape(s.Target),
                    Errors.Escape(string.Join(", ", s.Env.Keys.Concat(s.Headers.Keys))),
                    s.Enabled ? "[green]yes[/]" : "[grey]no[/]");
            }

            ctx.Console.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Show(Func<CliContext> context)
    {
        var name = NameArgument();
        var json = CommonOptions.Json();
        var command = new Command("show", "Show one MCP server; env and header values are redacted.") { name, json };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var view = McpServerView.From(await ctx.Get<McpService>().GetAsync(parse.GetValue(name)!, ct));
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, view);
                return 0;
            }

            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("[bold]Name[/]", Errors.Escape(view.Name));
            grid.AddRow("[bold]Transport[/]", view.Transport);
            grid.AddRow(view.Transport == "stdio" ? "[bold]Command[/]" : "[bold]URL[/]", Errors.Escape(view.Target));
            if (view.WorkingDirectory is { } cwd)
            {
                grid.AddRow("[bold]Working directory[/]", Errors.Escape(cwd));
            }

            foreach (var (key, value) in view.Env)
            {
                grid.AddRow($"[bold]env {Errors.Escape(key)}[/]", Errors.Escape(value));
            }

            foreach (var (key, value) in view.Headers)
            {
                grid.AddRow($"[bold]header {Errors.Escape(key)}[/]", Errors.Escape(value));
            }

            grid.AddRow("[bold]Enabled[/]", view.Enabled ? "yes" : "no");
            grid.AddRow("[bold]Added[/]", view.CreatedAt.ToLocalTime().ToString("u", CultureInfo.InvariantCulture));
            grid.AddRow("[bold]Updated[/]", view.UpdatedAt.ToLocalTime().ToString("u", CultureInfo.InvariantCulture));
            ctx.Console.Write(grid);
            return 0;
        });
        return command;
    }

    private static Command Add(Func<CliContext> context)
    {
        var name = NameArgument($"A name for the server: {McpService.NameRule}.");
        var commandLine = CommandLineArgument("The command that starts a local (stdio) server and its arguments, after --: `-- npx -y @modelcontextprotocol/server-everything`.");
        var options = new McpServerOptions(editing: false);
        var json = CommonOptions.Json();
        var command = new Command("add", """
            Add an MCP server: a local command (maestro mcp add NAME -- COMMAND [ARGS...]) or a remote one
            (maestro mcp add NAME --url URL). Secrets: -e/-H take them inline; --env-var/--header-env read them from an
            environment variable and --env-stdin/--header-stdin from standard input, so they never appear in the process list.
            """)
        {
            name, commandLine, json,
        };
        options.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var spec = options.ToSpec(ctx, parse, parse.GetValue(commandLine)) with { Name = parse.GetValue(name) };
            var created = McpServerView.From(await ctx.Get<McpService>().CreateAsync(spec, ct));
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, created);
            }
            else
            {
                ctx.Console.MarkupLine($"[green]Added[/] MCP server {Errors.Escape(created.Name)} ({created.Transport}: {Errors.Escape(created.Target)}).");
                ctx.Console.MarkupLine($"Check it with [bold]{Errors.Escape(Invocation.Name)} mcp test {Errors.Escape(created.Name)}[/].");
            }

            return 0;
        });
        return command;
    }

    private static Command Edit(Func<CliContext> context)
    {
        var name = NameArgument();
        var commandLine = CommandLineArgument("A new command and arguments for a stdio server, after --.");
        var newName = new Option<string>("--name") { Description = $"Rename the server ({McpService.NameRule}).", HelpName = "NEW-NAME" };
        var options = new McpServerOptions(editing: true);
        var command = new Command("edit", "Change an MCP server: its command, URL, env, headers, working directory, name, or whether it is enabled.")
        {
            name, commandLine, newName,
        };
        options.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var spec = options.ToSpec(ctx, parse, parse.GetValue(commandLine)) with { Name = parse.GetValue(newName) };
            if (spec == new McpServerSpec())
            {
                throw new ValidationFailedException("options", "Nothing to change: see `maestro mcp edit --help`.");
            }

            var updated = await ctx.Get<McpService>().UpdateAsync(parse.GetValue(name)!, spec, ct);
            ctx.Console.MarkupLine($"[green]Updated[/] MCP server {Errors.Escape(updated.Name)}.");
            return 0;
        });
        return command;
    }

    private static Command Remove(Func<CliContext> context)
    {
        var name = NameArgument();
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation." };
        var command = new Command("rm", "Delete an MCP server; sessions that used it no longer get its tools.") { name, yes };
        command.Aliases.Add("remove");
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var service = ctx.Get<McpService>();
            var server = await service.GetAsync(parse.GetValue(name)!, ct);
            if (!parse.GetValue(yes) && ctx.StdinIsTerminal &&
                !ctx.Console.Confirm($"Delete MCP server {Errors.Escape(server.Name)}? Sessions using it lose its tools.", defaultValue: false))
            {
                ctx.Console.MarkupLine("Kept.");
                return 1;
            }

            await service.DeleteAsync(server.Id.ToString(), ct);
            ctx.Console.MarkupLine($"[green]Deleted[/] MCP server {Errors.Escape(server.Name)}.");
            return 0;
        });
        return command;
    }

    internal static Argument<string> NameArgument(string description = "The MCP server's name (see `maestro mcp list`).") =>
        new("name") { Description = description };

    internal static Argument<string[]> CommandLineArgument(string description) =>
        new("command") { Description = description, Arity = ArgumentArity.ZeroOrMore, HelpName = "-- COMMAND [ARGS...]" };

    internal static string FirstLine(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var line = text.Split('\n', 2)[0].Trim();
        return line.Length > 100 ? line[..100] + "…" : line;
    }
}
