using System.CommandLine;
using System.Globalization;
using Maestro.Cli.Output;
using Maestro.Core.Errors;
using Maestro.Core.Turns;
using Maestro.Data.Notifications;
using Maestro.Web.Api;
using Maestro.Web.Components.Chat;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>`maestro approvals`: the inbox — tool calls waiting for approval in every session, answered by short id.</summary>
public static class ApprovalsCommand
{
    public static Command Create(Func<CliContext> context)
    {
        var id = new Argument<string?>("approval")
        {
            Description = "The approval to answer: its id as listed (8 characters, or any unambiguous start). Without it, the pending ones are listed.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var decision = new Argument<string?>("decision")
        {
            Description = "approve (once), session (approve the tool for the rest of its session) or deny.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var reason = new Option<string>("--reason") { Description = "With deny: why, told to the model.", HelpName = "TEXT" };
        var json = CommonOptions.Json();
        var command = new Command("approvals",
            "List the tool calls waiting for approval in every session, or answer one. " +
            "Examples: maestro approvals · maestro approvals 1a2b3c4d approve · maestro approvals 1a2b3c4d deny --reason \"not that folder\"")
        {
            id, decision, reason, json,
        };
        command.Aliases.Add("inbox");
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var approvals = ctx.Get<ApprovalService>();
            var inbox = await approvals.InboxAsync(ct);
            if (parse.GetValue(id) is not { } typed)
            {
                return List(ctx, inbox, parse.GetValue(json));
            }

            var status = ApprovalStatusNames.ParseDecision(parse.GetValue(decision))
                ?? throw new ValidationFailedException("decision", parse.GetValue(decision) is null
                    ? $"Say what to do with {typed}: approve, session or deny."
                    : $"'{parse.GetValue(decision)}' is not a decision: give approve, session or deny.");
            var approvalId = ShortIds.Resolve(typed, inbox.Select(e => e.Approval.Id), "approval", "a pending approval",
                $"See `{Invocation.Name} approvals` for the pending ones.");
            // The running turn may live in another process (`maestro serve`): it hears the decision through the database.
            await ctx.Services.StartLiveEventsAsync(ct);
            var reasonText = parse.GetValue(reason) is { } r && !string.IsNullOrWhiteSpace(r) ? r.Trim() : null;
            var decided = await approvals.DecideAsync(approvalId, status, reasonText, ct);
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, ApprovalView.From(decided));
                return 0;
            }

            var session = inbox.FirstOrDefault(e => e.Approval.Id == approvalId)?.SessionName ?? "";
            ctx.Console.MarkupLine(decided.Status switch
            {
                ApprovalStatus.Approved => $"[green]✓[/] {Errors.Escape(decided.Tool)} in {Errors.Escape(session)}: approved once.",
                ApprovalStatus.ApprovedForSession => $"[green]✓[/] {Errors.Escape(decided.Tool)} in {Errors.Escape(session)}: approved for the rest of the session.",
                _ => $"[red]✗[/] {Errors.Escape(decided.Tool)} in {Errors.Escape(session)}: denied{(reasonText is null ? "." : $" ({Errors.Escape(reasonText)}).")}",
            });
            return 0;
        });
        return command;
    }

    private static int List(CliContext ctx, IReadOnlyList<InboxEntry> inbox, bool json)
    {
        if (json)
        {
            Json.Write(ctx.Stdout, inbox.Select(InboxApprovalView.From).ToList());
            return 0;
        }

        if (inbox.Count == 0)
        {
            ctx.Console.MarkupLine("No tool calls are waiting for approval.");
            return 0;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumns("Id", "Session", "Tool", "Call", "Asked");
        foreach (var e in inbox)
        {
            var a = e.Approval;
            table.AddRow($"[yellow]{ShortIds.Of(a.Id)}[/]", Errors.Escape(e.SessionName), Errors.Escape(a.Tool), Errors.Escape(Describe(a)),
                a.CreatedAt.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture));
        }

        ctx.Console.Write(table);
        ctx.Console.MarkupLine($"[grey]Answer with: {Errors.Escape(Invocation.Name)} approvals <id> approve|session|deny [[--reason TEXT]][/]");
        return 0;
    }

    /// <summary>One line saying what the call does: the command, the file it changes, or its arguments.</summary>
    private static string Describe(Approval a)
    {
        var view = ToolArgumentsView.From(a.Tool, a.Arguments);
        var text = view.Kind switch
        {
            "command" => "$ " + view.Command,
            "diff" => $"{view.Path} (+{view.Diff!.Count(l => l.Sign == '+')} −{view.Diff!.Count(l => l.Sign == '-')} lines)",
            _ => a.Arguments.GetRawText(),
        };
        text = text.ReplaceLineEndings(" ⏎ ");
        return text.Length > 120 ? text[..119] + "…" : text;
    }
}
