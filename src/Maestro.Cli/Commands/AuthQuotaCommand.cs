using System.CommandLine;
using System.Globalization;
using Maestro.Cli.Output;
using Maestro.Core.Auths;
using Maestro.Core.Quota;
using Maestro.Web.Api;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>`maestro auth quota [provider/name] [--json]`: what each provider last reported about the auths' limits.</summary>
public static class AuthQuotaCommand
{
    public static Command Create(Func<CliContext> context)
    {
        var auth = new Argument<string?>("auth")
        {
            Description = "One auth, as provider/name (e.g. anthropic/work); every auth when omitted.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var json = CommonOptions.Json();
        var command = new Command(
            "quota",
            "Show each auth's quota as its provider last reported it: rate-limit windows (requests and tokens per minute on API " +
            "keys, the 5-hour and weekly windows of Claude and ChatGPT subscriptions), how much is used, when each resets, and " +
            "the last limit hit. Read from every response the auth gets (a chat, a model listing, a gateway request); " +
            "nothing is sent to the provider to find out.")
        {
            auth, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var auths = ctx.Get<AuthService>();
            var store = ctx.Get<IAuthQuotaStore>();
            var now = DateTimeOffset.UtcNow;
            if (parse.GetValue(auth) is { } one)
            {
                var record = await auths.GetAsync(CommonOptions.ParseAuth(one), ct);
                var view = AuthQuotaView.From(record, await store.GetAsync(record.Id, ct) ?? AuthLimitState.Unknown, now);
                if (parse.GetValue(json))
                {
                    Json.Write(ctx.Stdout, view);
                }
                else
                {
                    Print(ctx.Console, view, now);
                }

                return 0;
            }

            var (states, _) = await store.ChangedSinceAsync(null, ct);
            var byAuth = states.ToDictionary(s => s.Key, s => s.Value);
            var views = (await auths.ListAsync(null, ct))
                .Select(a => AuthQuotaView.From(a, byAuth.GetValueOrDefault(a.Id) ?? AuthLimitState.Unknown, now))
                .ToList();
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, views);
                return 0;
            }

            if (views.Count == 0)
            {
                ctx.Console.MarkupLine($"No auths yet. Add one with [bold]{Errors.Escape(Invocation.Name)} auth add <provider> <name> --api-key-stdin[/].");
                return 0;
            }

            foreach (var view in views)
            {
                Print(ctx.Console, view, now);
            }

            return 0;
        });
        return command;
    }

    private static void Print(IAnsiConsole console, AuthQuotaView view, DateTimeOffset now)
    {
        console.MarkupLine($"[bold]{Errors.Escape(view.Auth)}[/]  {StatusMarkup(view, now)}");
        if (view.LastDetail is { } detail && view.LastLimitedAt is { } at)
        {
            console.MarkupLine($"  [dim]last limit {Errors.Escape(Ago(at, now))}:[/] {Errors.Escape(detail)}");
        }

        if (view.Windows.Count == 0)
        {
            console.MarkupLine(view.UpdatedAt is null
                ? "  [dim]Nothing reported yet: the quota shows after the auth's first request.[/]"
                : "  [dim]The provider reports no quota windows on its responses.[/]");
            console.WriteLine();
            return;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumns("Window", "Used", "", "Remaining", "Resets");
        foreach (var window in view.Windows)
        {
            table.AddRow(
                Errors.Escape(QuotaText.Label(window.Name)),
                QuotaText.Percent(window.UsedPercent),
                Bar(window),
                window.Remaining is { } left
                    ? window.Limit is { } limit
                        ? $"{left.ToString("N0", CultureInfo.InvariantCulture)} of {limit.ToString("N0", CultureInfo.InvariantCulture)}"
                        : left.ToString("N0", CultureInfo.InvariantCulture)
                    : "",
                QuotaText.ResetsIn(window.ResetsAt, now));
        }

        console.Write(table);
        console.WriteLine();
    }

    private static string StatusMarkup(AuthQuotaView view, DateTimeOffset now) => view.Status switch
    {
        "exhausted" => $"[red]used up until {Errors.Escape(Clock(view.ExhaustedUntil))}[/] ({QuotaText.ResetsIn(view.ExhaustedUntil, now)})",
        "limited" => $"[yellow]rate-limited until {Errors.Escape(Clock(view.LimitedUntil))}[/]",
        "unknown" => "[dim]no response read yet[/]",
        _ => $"[green]ok[/] [dim](read {Errors.Escape(Ago(view.UpdatedAt!.Value, now))})[/]",
    };

    private static string Bar(QuotaWindowView window)
    {
        if (window.UsedPercent is not { } used)
        {
            return "";
        }

        const int Width = 20;
        var filled = (int)Math.Round(Math.Clamp(used, 0, 100) / 100 * Width);
        var colour = window.Exhausted || used >= 90 ? "red" : used >= 70 ? "yellow" : "green";
        return $"[{colour}]{new string('█', filled)}[/][dim]{new string('░', Width - filled)}[/]";
    }

    private static string Clock(DateTimeOffset? at) =>
        at is { } time ? time.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "";

    private static string Ago(DateTimeOffset at, DateTimeOffset now)
    {
        var ago = now - at;
        return ago.TotalMinutes < 1 ? "just now"
            : ago.TotalHours < 1 ? $"{(int)ago.TotalMinutes} min ago"
            : ago.TotalDays < 1 ? $"{(int)ago.TotalHours} h ago"
            : at.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    }
}
