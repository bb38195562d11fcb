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

/// <summary>`maestro session approve`: pending tool calls of a session, and answering them.</summary>
internal static class SessionApprovalCommands
{
    internal static Command Approve(Func<CliContext> context)
    {
        var name = SessionCommands.Name();
        var id = new Argument<string?>("approval") { Description = "The approval id as shown (8 characters, or any unambiguous start; see `maestro session approve <session>` with no id for the pending ones).", Arity = ArgumentArity.ZeroOrOne };
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
                    ctx.Console.MarkupLine($"[yellow]{ShortIds.Of(a.Id)}[/] {Errors.Escape(a.Tool)} {Errors.Escape(a.Arguments.GetRawText())}");
                }

                return 0;
            }

            var guid = ShortIds.Resolve(approvalId, (await approvals.PendingAsync(s.Id, ct)).Select(a => a.Id), "approval", "a pending approval",
                $"See `maestro session approve {s.Name}` for the pending ones.");

            var status = ApprovalStatusNames.ParseDecision(parse.GetValue(decision))
                ?? throw new ValidationFailedException("decision", "Give approve, session or deny.");
            await ctx.Services.StartLiveEventsAsync(ct);
            var decided = await approvals.DecideAsync(s.Id, guid, status, parse.GetValue(reason), ct);
            ctx.Console.MarkupLine($"{Errors.Escape(decided.Tool)}: {decided.Status.ToWire().Replace('_', ' ')}.");
            return 0;
        });
        return command;
    }
}
