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

/// <summary>`maestro session context | compact | usage`: what the model sees of a session, and what it cost.</summary>
internal static class SessionContextCommands
{
    internal static Command Context(Func<CliContext> context)
    {
        var name = SessionCommands.Name();
        var remove = new Option<string[]>("--rm") { Description = "Remove this context chunk, by the id shown (8 characters, or any unambiguous start; repeatable); a tool call and its result go together.", HelpName = "CHUNK" };
        var json = CommonOptions.Json();
        var command = new Command("context", "List the session's context chunks with sizes against the model's window, or remove chunks.") { name, remove, json };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var s = await ctx.Get<SessionService>().GetAsync(parse.GetValue(name)!, ct);
            var service = ctx.Get<ContextService>();
            foreach (var chunk in parse.GetValue(remove) ?? [])
            {
                var chunks = await service.ListAsync(s, ct);
                var chunkId = ShortIds.Resolve(chunk, chunks.Chunks.Select(c => c.Id), "chunk", "a chunk", $"See `maestro session context {s.Name}`.");
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

    internal static Command Compact(Func<CliContext> context)
    {
        var name = SessionCommands.Name();
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

    internal static Command Usage(Func<CliContext> context)
    {
        var name = SessionCommands.Name();
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
