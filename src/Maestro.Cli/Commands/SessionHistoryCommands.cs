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

/// <summary>`maestro session history | threads | clear | search`: a session's conversations and finding things in them.</summary>
internal static class SessionHistoryCommands
{
    internal static Command History(Func<CliContext> context)
    {
        var name = SessionCommands.Name();
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

    internal static Command Threads(Func<CliContext> context)
    {
        var name = SessionCommands.Name();
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

    internal static Command NewThread(Func<CliContext> context)
    {
        var name = SessionCommands.Name();
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

    internal static Command Search(Func<CliContext> context)
    {
        var name = SessionCommands.Name();
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
}
