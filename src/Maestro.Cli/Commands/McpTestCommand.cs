using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Maestro.Cli.Output;
using Maestro.Core.Errors;
using Maestro.Core.Mcp;
using Maestro.Web.Api;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>`maestro mcp test`: starts a server and lists its tools, or says why it failed.</summary>
internal static class McpTestCommand
{
    internal static Command Test(Func<CliContext> context)
    {
        var name = McpCommands.NameArgument();
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
                    table.AddRow(Errors.Escape(tool.Name), tool.Effect.Replace('_', '-'), Errors.Escape(McpCommands.FirstLine(tool.Description)));
                }

                ctx.Console.Write(table);
            }

            return 0;
        });
        return command;
    }
}
