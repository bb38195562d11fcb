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
        mcp.Subcommands.Add(Test(context));
        mcp.Subcommands.Add(Import(context));
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
                ctx.Console.MarkupLine("No MCP servers yet. Add one with [bold]maestro mcp add <name> -- <command> [[args...]][/], [bold]maestro mcp add <name> --url URL[/], or import them with [bold]maestro mcp import <file.json>[/].");
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
        var options = new ServerOptions(editing: false);
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
                ctx.Console.MarkupLine($"Check it with [bold]maestro mcp test {Errors.Escape(created.Name)}[/].");
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
        var options = new ServerOptions(editing: true);
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

    private static Command Test(Func<CliContext> context)
    {
        var name = NameArgument();
        var json = CommonOptions.Json();
        var command = new Command("test", "Start (or reach) the server, initialize it and list its tools. Fails with the reason, and the end of its stderr, when it cannot.")
        {
            name, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var service = ctx.Get<McpService>();
            var server = await service.GetAsync(parse.GetValue(name)!, ct);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            McpTestResult result;
            try
            {
                result = await service.TestAsync(server, ct);
            }
            catch (McpConnectionException ex) when (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, McpTestView.From(ex, clock.Elapsed));
                return 1;
            }

            var view = McpTestView.From(result);
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, view);
                return 0;
            }

            var identity = view.ServerName is null ? "" : $" ({Errors.Escape(view.ServerName)}{(view.ServerVersion is null ? "" : " " + Errors.Escape(view.ServerVersion))}, protocol {Errors.Escape(view.ProtocolVersion ?? "?")})";
            ctx.Console.MarkupLine($"[green]OK[/] {Errors.Escape(view.Server)}{identity}: {view.Tools.Count} tool{(view.Tools.Count == 1 ? "" : "s")} in {view.ElapsedMs / 1000:0.0} s");
            if (view.Tools.Count > 0)
            {
                var table = new Table().Border(TableBorder.Rounded).AddColumns("Tool", "Effect", "Description");
                foreach (var tool in view.Tools)
                {
                    table.AddRow(Errors.Escape(tool.Name), tool.Effect.Replace('_', '-'), Errors.Escape(FirstLine(tool.Description)));
                }

                ctx.Console.Write(table);
            }

            return 0;
        });
        return command;
    }

    private static Command Import(Func<CliContext> context)
    {
        var file = new Argument<string>("file")
        {
            Description = "A JSON file with \"mcpServers\" (Claude Desktop's claude_desktop_config.json, Claude Code's .mcp.json, Cursor's mcp.json), or - for standard input.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var claude = new Option<string[]>("--claude")
        {
            Description = "A `claude mcp add ...` or `claude mcp add-json ...` command line, quoted as one argument (repeatable; - reads them from standard input, one per line).",
            HelpName = "COMMAND",
            AllowMultipleArgumentsPerToken = false,
        };
        var json = CommonOptions.Json();
        var command = new Command("import", """
            Import MCP servers from another client's configuration. Servers whose name already exists are skipped (the existing
            one is kept); invalid entries are reported and the others imported. Exits with 1 when any entry was rejected.
            """)
        {
            file, claude, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var service = ctx.Get<McpService>();
            var path = parse.GetValue(file);
            var lines = parse.GetValue(claude) ?? [];
            if ((path is null) == (lines.Length == 0))
            {
                throw new ValidationFailedException("import", "Give a JSON file (or - for standard input), or --claude \"claude mcp add ...\", not both.");
            }

            McpImportReport report;
            if (path is not null)
            {
                report = await service.ImportJsonAsync(ReadFile(ctx, path), ct);
            }
            else
            {
                var commands = string.Join('\n', lines.Select(l => l == "-" ? ctx.Stdin.ReadToEnd() : l));
                report = await service.ImportClaudeCommandsAsync(commands, ct);
            }

            var view = McpImportView.From(report);
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, view);
            }
            else
            {
                var table = new Table().Border(TableBorder.Rounded).AddColumns("Name", "Result", "Details");
                foreach (var entry in view.Servers)
                {
                    var outcome = entry.Outcome switch
                    {
                        "imported" => "[green]imported[/]",
                        "skipped" => "[yellow]skipped[/]",
                        _ => "[red]rejected[/]",
                    };
                    table.AddRow(Errors.Escape(entry.Name), outcome, Errors.Escape(entry.Message));
                }

                ctx.Console.Write(table);
                ctx.Console.MarkupLine($"Imported {view.Imported}, skipped {view.Skipped}, rejected {view.Rejected}.");
            }

            return view.Rejected > 0 ? 1 : 0;
        });
        return command;
    }

    private static string ReadFile(CliContext context, string path)
    {
        if (path == "-")
        {
            return context.Stdin.ReadToEnd();
        }

        var full = Path.GetFullPath(path);
        return File.Exists(full)
            ? File.ReadAllText(full)
            : throw new ValidationFailedException("file", $"No such file: {full}.");
    }

    private static Argument<string> NameArgument(string description = "The MCP server's name (see `maestro mcp list`).") =>
        new("name") { Description = description };

    private static Argument<string[]> CommandLineArgument(string description) =>
        new("command") { Description = description, Arity = ArgumentArity.ZeroOrMore, HelpName = "-- COMMAND [ARGS...]" };

    private static string FirstLine(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var line = text.Split('\n', 2)[0].Trim();
        return line.Length > 100 ? line[..100] + "…" : line;
    }

    /// <summary>The options `add` and `edit` share, read into an <see cref="McpServerSpec"/>.</summary>
    private sealed class ServerOptions
    {
        private readonly bool _editing;
        private readonly Option<string> _url = new("--url") { Description = "The endpoint of a remote server (streamable HTTP unless --transport sse).", HelpName = "URL" };
        private readonly Option<string> _transport = new("--transport", "-t") { Description = "stdio, http (streamable HTTP) or sse. Default: stdio with a command, http with --url.", HelpName = "TRANSPORT" };
        private readonly Option<string[]> _env = Many("--env", "-e", "Set an environment variable of a stdio server (repeatable).", "KEY=VALUE");
        private readonly Option<string[]> _envVar = Many("--env-var", null, "Set KEY to the value of this process's environment variable VAR (repeatable): the secret never appears as an argument.", "KEY=VAR");
        private readonly Option<string> _envStdin = new("--env-stdin") { Description = "Set this environment variable to the value read from standard input.", HelpName = "KEY" };
        private readonly Option<string[]> _header = Many("--header", "-H", "Send an HTTP header to a remote server (repeatable).", "\"NAME: VALUE\"");
        private readonly Option<string[]> _headerEnv = Many("--header-env", null, "Send header NAME with the value of this process's environment variable VAR (repeatable), e.g. Authorization=MY_TOKEN_VAR.", "NAME=VAR");
        private readonly Option<string> _headerStdin = new("--header-stdin") { Description = "Send this header with the value read from standard input.", HelpName = "NAME" };
        private readonly Option<string> _cwd = new("--cwd") { Description = "Working directory of a stdio server (edit: \"\" removes it).", HelpName = "DIR" };
        private readonly Option<bool> _disabled = new("--disable") { Description = "Keep the server configured but give its tools to no session." };
        private readonly Option<bool> _enabled = new("--enable") { Description = "Enable a disabled server." };
        private readonly Option<string[]> _unsetEnv = Many("--unset-env", null, "Remove an environment variable (repeatable).", "KEY");
        private readonly Option<string[]> _unsetHeader = Many("--unset-header", null, "Remove a header (repeatable).", "NAME");

        public ServerOptions(bool editing) => _editing = editing;

        public void AddTo(Command command)
        {
            command.Options.Add(_url);
            command.Options.Add(_transport);
            command.Options.Add(_env);
            command.Options.Add(_envVar);
            command.Options.Add(_envStdin);
            command.Options.Add(_header);
            command.Options.Add(_headerEnv);
            command.Options.Add(_headerStdin);
            command.Options.Add(_cwd);
            command.Options.Add(_disabled);
            if (_editing)
            {
                command.Options.Add(_enabled);
                command.Options.Add(_unsetEnv);
                command.Options.Add(_unsetHeader);
            }
        }

        public McpServerSpec ToSpec(CliContext context, ParseResult parse, string[]? commandLine)
        {
            McpSecretInput.CheckOneStdin(parse.GetValue(_envStdin), parse.GetValue(_headerStdin));
            if (commandLine is [var first, ..] && first.StartsWith('-') && !parse.Tokens.Any(t => t.Type == TokenType.DoubleDash))
            {
                // Unknown options land in the command argument; a server's command never starts with '-'.
                throw new ValidationFailedException("command",
                    $"Unknown option '{first}'. A server's command goes after --: `maestro mcp {(_editing ? "edit" : "add")} NAME -- COMMAND [ARGS...]`.");
            }

            var disable = parse.GetValue(_disabled);
            var enable = _editing && parse.GetValue(_enabled);
            if (disable && enable)
            {
                throw new ValidationFailedException("enabled", "Use either --enable or --disable, not both.");
            }

            return new McpServerSpec
            {
                Transport = parse.GetValue(_transport),
                Url = parse.GetValue(_url),
                Command = commandLine is { Length: > 0 } ? commandLine[0] : null,
                Args = commandLine is { Length: > 0 } ? commandLine[1..] : null,
                WorkingDirectory = parse.GetValue(_cwd),
                Env = McpSecretInput.Env(context, parse.GetValue(_env), parse.GetValue(_envVar), parse.GetValue(_envStdin), _editing ? parse.GetValue(_unsetEnv) : null),
                Headers = McpSecretInput.Headers(context, parse.GetValue(_header), parse.GetValue(_headerEnv), parse.GetValue(_headerStdin), _editing ? parse.GetValue(_unsetHeader) : null),
                Enabled = disable ? false : enable ? true : (_editing ? null : true),
            };
        }

        private static Option<string[]> Many(string name, string? alias, string description, string helpName)
        {
            var option = alias is null ? new Option<string[]>(name) : new Option<string[]>(name, alias);
            option.Description = description;
            option.HelpName = helpName;
            option.AllowMultipleArgumentsPerToken = false;
            return option;
        }
    }
}
