using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Maestro.Cli.Output;
using Maestro.Core.Errors;
using Maestro.Core.Mcp;
using Maestro.Web.Api;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>`maestro mcp import`: MCP servers from Claude Desktop / Cursor configuration files or a `claude mcp add` command line.</summary>
internal static class McpImportCommand
{
    internal static Command Import(Func<CliContext> context)
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
}
