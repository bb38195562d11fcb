using System.CommandLine;
using System.Text;
using Maestro.Cli.Output;
using Maestro.Core.Conversations.Transfer;
using Maestro.Core.Errors;
using Maestro.Core.Sessions;
using Maestro.Web.Api;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>`maestro session export|import`: a conversation out as Markdown or JSON, and a JSON export in as a new session.</summary>
internal static class SessionTransferCommands
{
    internal static Command Export(Func<CliContext> context)
    {
        var name = SessionCommands.Name();
        var format = new Option<string>("--format", "-f")
        {
            Description = "md (a readable transcript) or json (everything, for `session import`; the shape is in docs/export-format.md).",
            HelpName = "md|json",
            DefaultValueFactory = _ => "md",
        };
        var output = new Option<string>("--output", "-o") { Description = "Write to this file instead of standard output.", HelpName = "FILE" };
        var command = new Command("export",
            "Export a session's conversation (its current thread): messages, tool calls and results, usage and model per message. " +
            "Example: maestro session export fix-bug --format json -o fix-bug.json") { name, format, output };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var kind = parse.GetValue(format)?.Trim().ToLowerInvariant();
            if (kind is not ("md" or "markdown" or "json"))
            {
                throw new ValidationFailedException("--format", $"'{parse.GetValue(format)}' is not an export format: use md or json.");
            }

            var session = await ctx.Get<SessionService>().GetAsync(parse.GetValue(name)!, ct);
            var document = await ctx.Get<SessionExporter>().ExportAsync(session, ct);
            var text = kind == "json" ? SessionExporter.ToJson(document) + "\n" : MarkdownTranscript.Render(document);
            if (parse.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(file, text, new UTF8Encoding(false), ct);
                ctx.Console.MarkupLine($"Exported {document.Messages.Count} messages of {Errors.Escape(session.Name)} to {Errors.Escape(file)}.");
            }
            else
            {
                await ctx.Stdout.WriteAsync(text);
            }

            return 0;
        });
        return command;
    }

    internal static Command Import(Func<CliContext> context)
    {
        var file = new Argument<string>("file") { Description = "A JSON export (`maestro session export NAME --format json`), or - for standard input." };
        var name = new Option<string>("--name") { Description = "Name of the new session (default: the exported session's name).", HelpName = "NAME" };
        var auth = new Option<string>("--auth") { Description = "Auth to use, as provider/name (default: the exported session's, if it exists here).", HelpName = "PROVIDER/NAME" };
        var json = CommonOptions.Json();
        var command = new Command("import",
            $"Import a JSON export as a new session (checked first: nothing is imported from a file with errors; at most {SessionImporter.MaxBytes / (1024 * 1024)} MB). " +
            "Example: maestro session import fix-bug.json --name fix-bug-copy") { file, name, auth, json };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var path = parse.GetValue(file)!;
            byte[] bytes;
            if (path == "-")
            {
                bytes = Encoding.UTF8.GetBytes(await ctx.Stdin.ReadToEndAsync(ct));
            }
            else if (!File.Exists(path))
            {
                throw new ValidationFailedException("file", $"There is no file '{path}'.");
            }
            else if (new FileInfo(path).Length > SessionImporter.MaxBytes)
            {
                throw new ValidationFailedException("file", $"'{path}' is larger than {SessionImporter.MaxBytes / (1024 * 1024)} MB, the most that can be imported.");
            }
            else
            {
                bytes = await File.ReadAllBytesAsync(path, ct);
            }

            var session = await ctx.Get<SessionImporter>().ImportAsync(bytes, parse.GetValue(name), parse.GetValue(auth), ct);
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, await ctx.Get<SessionViews>().CreateAsync(session, ct));
                return 0;
            }

            ctx.Console.MarkupLine($"[green]Imported[/] as session {Errors.Escape(session.Name)} ({Errors.Escape(session.Auth?.ToString() ?? "")}, {Errors.Escape(session.Model)}).");
            ctx.Console.MarkupLine($"[grey]Continue it with: {Errors.Escape(Invocation.Name)} chat --session {Errors.Escape(session.Name)} \"...\"[/]");
            return 0;
        });
        return command;
    }
}
