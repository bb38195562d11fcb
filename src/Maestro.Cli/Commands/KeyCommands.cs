using System.CommandLine;
using System.Globalization;
using Maestro.Cli.Output;
using Maestro.Gateway.Keys;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>`maestro key ...`: the keys tools use to call Maestro's OpenAI-, Anthropic- and Gemini-compatible endpoints.</summary>
public static class KeyCommands
{
    public static Command Create(Func<CliContext> context)
    {
        var key = new Command("key", """
            Manage gateway keys: what SDKs and coding agents send to Maestro's /v1 and /v1beta endpoints (as
            Authorization: Bearer, x-api-key or x-goog-api-key). Separate from Maestro's access token. A key may be
            limited to routes, a monthly budget and requests/tokens per minute; limits answer in the client's 429 shape.
            """);

        var name = new Argument<string>("name") { Description = "A name for the key (who or what uses it)." };
        var routes = new Option<string[]>("--route")
        {
            Description = "A route the key may use; repeat for several. Without it the key may use every route and auth.",
            HelpName = "ROUTE",
        };
        var budget = new Option<decimal?>("--budget") { Description = "Spending allowed per calendar month (UTC), in US$ (e.g. 25).", HelpName = "USD" };
        var rpm = new Option<int?>("--rpm") { Description = "Requests allowed per minute.", HelpName = "N" };
        var tpm = new Option<int?>("--tpm") { Description = "Tokens (input + output) allowed per minute.", HelpName = "N" };
        var createJson = CommonOptions.Json();
        var create = new Command("create", "Create a key and print it once (only its hash is stored).") { name, routes, budget, rpm, tpm, createJson };
        create.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var created = await ctx.Get<KeyService>().CreateAsync(
                parse.GetValue(name), parse.GetValue(routes), parse.GetValue(budget), parse.GetValue(rpm), parse.GetValue(tpm), ct);
            if (parse.GetValue(createJson))
            {
                Json.Write(ctx.Stdout, new { created.Key.Name, Key = created.Secret, created.Key.Routes, created.Key.BudgetUsd, created.Key.Rpm, created.Key.Tpm });
                return 0;
            }

            ctx.Console.MarkupLine($"[green]Created[/] key {Markup.Escape(created.Key.Name)}. Copy it now; it is not shown again:");
            ctx.Stdout.WriteLine(created.Secret);
            return 0;
        });

        var json = CommonOptions.Json();
        var list = new Command("list", "List keys with their limits and this month's use.") { json };
        list.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var keys = await ctx.Get<KeyService>().ListAsync(ct);
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, keys.Select(k => new
                {
                    k.Key.Name,
                    k.Key.Hint,
                    k.Key.Routes,
                    k.Key.BudgetUsd,
                    k.Key.Rpm,
                    k.Key.Tpm,
                    k.Key.CreatedAt,
                    k.Key.RevokedAt,
                    k.Key.LastUsedAt,
                    k.RequestsThisMonth,
                    k.SpentThisMonthUsd,
                }));
                return 0;
            }

            if (keys.Count == 0)
            {
                ctx.Console.MarkupLine("No gateway keys yet. Create one with [bold]maestro key create NAME[/].");
                return 0;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("Key", "Routes", "Budget/month", "RPM", "TPM", "Requests", "Spent", "State");
            foreach (var k in keys)
            {
                table.AddRow(
                    Markup.Escape($"{k.Key.Name} ({k.Key.Hint})"),
                    Markup.Escape(k.Key.Restricted ? string.Join(", ", k.Key.Routes) : "all"),
                    k.Key.BudgetUsd is { } b ? Usd(b) : "-",
                    k.Key.Rpm?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    k.Key.Tpm?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    k.RequestsThisMonth.ToString(CultureInfo.InvariantCulture),
                    Usd(k.SpentThisMonthUsd),
                    k.Key.RevokedAt is { } revoked ? $"revoked {revoked:yyyy-MM-dd}" : "active");
            }

            ctx.Console.Write(table);
            return 0;
        });

        var revokeName = new Argument<string>("name") { Description = "The key's name." };
        var revoke = new Command("revoke", "Revoke a key: clients using it get 401 from then on.") { revokeName };
        revoke.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            await ctx.Get<KeyService>().RevokeAsync(parse.GetValue(revokeName)!, ct);
            ctx.Console.MarkupLine($"[green]Revoked[/] key {Markup.Escape(parse.GetValue(revokeName)!)}.");
            return 0;
        });

        var usageName = new Argument<string>("name") { Description = "The key's name." };
        var since = new Option<DateTimeOffset?>("--since") { Description = "From this date (default: the start of this month, UTC).", HelpName = "DATE" };
        var usageJson = CommonOptions.Json();
        var usage = new Command("usage", "A key's requests, tokens and cost by route, provider and model.") { usageName, since, usageJson };
        usage.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var report = await ctx.Get<KeyService>().UsageAsync(parse.GetValue(usageName)!, parse.GetValue(since), ct);
            if (parse.GetValue(usageJson))
            {
                Json.Write(ctx.Stdout, report);
                return 0;
            }

            ctx.Console.MarkupLine($"Key {Markup.Escape(report.Key)} since {report.Since:yyyy-MM-dd HH:mm} UTC:");
            var table = new Table().Border(TableBorder.Rounded).AddColumns("Route", "Provider", "Model", "Requests", "Failed", "Input", "Output", "Cost");
            foreach (var row in report.Rows)
            {
                table.AddRow(
                    Markup.Escape(row.Route ?? "-"), Markup.Escape(row.Provider ?? "-"), Markup.Escape(row.Model ?? "-"),
                    N(row.Requests), N(row.Failed), N(row.InputTokens), N(row.OutputTokens), row.CostUsd is { } c ? Usd(c) : "?");
            }

            table.AddRow("[bold]total[/]", "", "", N(report.Requests), "", N(report.InputTokens), N(report.OutputTokens), report.CostUsd is { } t ? Usd(t) : "?");
            ctx.Console.Write(table);
            return 0;
        });

        key.Subcommands.Add(create);
        key.Subcommands.Add(list);
        key.Subcommands.Add(revoke);
        key.Subcommands.Add(usage);
        return key;
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Usd(decimal value) => string.Create(CultureInfo.InvariantCulture, $"US${value:0.####}");
}
