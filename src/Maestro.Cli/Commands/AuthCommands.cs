using System.CommandLine;
using Maestro.Cli.Output;
using Maestro.Core.Auths;
using Maestro.Core.Models;
using Maestro.Web.Api;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>`maestro auth ...`: named credentials, several per provider.</summary>
public static class AuthCommands
{
    public static Command Create(Func<CliContext> context)
    {
        var auth = new Command("auth", "Manage named auths: API keys and OAuth logins, several per provider.");
        // The plural reads naturally too: `maestro auths list`.
        auth.Aliases.Add("auths");
        auth.Subcommands.Add(Add(context));
        auth.Subcommands.Add(List(context));
        auth.Subcommands.Add(Show(context));
        auth.Subcommands.Add(Test(context));
        auth.Subcommands.Add(Update(context));
        auth.Subcommands.Add(Rename(context));
        auth.Subcommands.Add(Remove(context));
        auth.Subcommands.Add(AuthLoginCommand.Create(context));
        auth.Subcommands.Add(AuthRefreshCommand.Create(context));
        auth.Subcommands.Add(AuthImportCommand.Create(context));
        auth.Subcommands.Add(AuthQuotaCommand.Create(context));
        return auth;
    }

    private static Command Add(Func<CliContext> context)
    {
        var provider = new Argument<string>("provider") { Description = "Provider id (see `maestro providers`), e.g. anthropic, openai, gemini." };
        var name = new Argument<string>("name") { Description = $"A name for this auth: {AuthNames.Rule}." };
        var stdin = CommonOptions.ApiKeyStdin();
        var env = CommonOptions.ApiKeyEnv();
        var baseUrl = new Option<string>("--base-url") { Description = "Use this API base URL instead of the provider's (proxies, gateways, local servers).", HelpName = "URL" };
        var json = CommonOptions.Json();
        var command = new Command("add", "Add an API-key auth. The key is read from stdin, an environment variable, or a hidden prompt.")
        {
            provider, name, stdin, env, baseUrl, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var keyless = ctx.Get<Core.Providers.ProviderRegistry>().TryGet(parse.GetValue(provider)!, out var p)
                && p.Descriptor.Supports(Core.Providers.ProviderFeatures.ApiKeyOptional)
                && !parse.GetValue(stdin) && parse.GetValue(env) is null;
            // A local server that needs no key (e.g. Ollama) gets none instead of a prompt.
            var key = keyless ? null : ApiKeyInput.Read(ctx, parse.GetValue(stdin), parse.GetValue(env), "API key");
            var created = await ctx.Get<AuthService>().CreateApiKeyAsync(
                parse.GetValue(provider)!, parse.GetValue(name)!, key, parse.GetValue(baseUrl), ct);
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, AuthView.From(created));
            }
            else
            {
                ctx.Console.MarkupLine($"[green]Added[/] {Errors.Escape(created.Ref.ToString())} (API key, stored encrypted).");
            }

            return 0;
        });
        return command;
    }

    private static Command List(Func<CliContext> context)
    {
        var provider = new Option<string>("--provider") { Description = "Only this provider's auths.", HelpName = "ID" };
        var json = CommonOptions.Json();
        var command = new Command("list", "List auths with their status.") { provider, json };
        command.Aliases.Add("ls");
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var records = await ctx.Get<AuthService>().ListAsync(parse.GetValue(provider), ct);
            var auths = records.Select(AuthView.From).ToList();
            if (parse.GetValue(json))
            {
                var (quotas, _) = await ctx.Get<Core.Quota.IAuthQuotaStore>().ChangedSinceAsync(null, ct);
                var byAuth = quotas.ToDictionary(q => q.Key, q => q.Value);
                var now = DateTimeOffset.UtcNow;
                Json.Write(ctx.Stdout, records.Select(r => AuthView.From(r) with { Quota = QuotaSummaryView.From(byAuth.GetValueOrDefault(r.Id), now) }));
                return 0;
            }

            if (auths.Count == 0)
            {
                ctx.Console.MarkupLine($"No auths yet. Add one with [bold]{Errors.Escape(Invocation.Name)} auth add <provider> <name> --api-key-stdin[/] or [bold]{Errors.Escape(Invocation.Name)} auth login <provider> <name>[/].");
                return 0;
            }

            var table = new Table().Border(TableBorder.Rounded)
                .AddColumns("Auth", "Type", "Status", "Expires", "Base URL", "Added");
            foreach (var a in auths)
            {
                table.AddRow(
                    Errors.Escape(a.Ref),
                    a.Type == "api_key" ? "API key" : "OAuth",
                    StatusMarkup(a),
                    a.ExpiresAt is { } e ? e.ToLocalTime().ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) : "",
                    Errors.Escape(a.Metadata.GetValueOrDefault(AuthMetadata.BaseUrl) ?? ""),
                    a.CreatedAt.ToLocalTime().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            }

            ctx.Console.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Show(Func<CliContext> context)
    {
        var auth = CommonOptions.AuthRef();
        var json = CommonOptions.Json();
        var command = new Command("show", "Show one auth; secrets are redacted to their first and last characters.") { auth, json };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var (record, secrets) = await ctx.Get<AuthService>().ShowAsync(CommonOptions.ParseAuth(parse.GetValue(auth)!), ct);
            var quota = QuotaSummaryView.From(await ctx.Get<Core.Quota.IAuthQuotaStore>().GetAsync(record.Id, ct), DateTimeOffset.UtcNow);
            var view = AuthView.From(record) with { Quota = quota };
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, new AuthDetailView(view, secrets));
                return 0;
            }

            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("[bold]Auth[/]", Errors.Escape(view.Ref));
            grid.AddRow("[bold]Type[/]", view.Type == "api_key" ? "API key" : "OAuth");
            grid.AddRow("[bold]Status[/]", StatusMarkup(view));
            if (quota is not null)
            {
                grid.AddRow("[bold]Quota[/]", Errors.Escape(QuotaLine(quota)) + $" [dim](details: {Errors.Escape(Invocation.Name)} auth quota {Errors.Escape(view.Ref)})[/]");
            }
            if (view.RefreshedAt is { } refreshed)
            {
                grid.AddRow("[bold]Refreshed[/]", refreshed.ToLocalTime().ToString("u", System.Globalization.CultureInfo.InvariantCulture));
            }
            if (view.ExpiresAt is { } expires)
            {
                grid.AddRow("[bold]Expires[/]", expires.ToLocalTime().ToString("u", System.Globalization.CultureInfo.InvariantCulture));
            }

            foreach (var (key, value) in view.Metadata.OrderBy(k => k.Key, StringComparer.Ordinal))
            {
                grid.AddRow($"[bold]{Errors.Escape(key)}[/]", Errors.Escape(value));
            }

            foreach (var (key, value) in secrets)
            {
                grid.AddRow($"[bold]{Errors.Escape(key)}[/]", Errors.Escape(value));
            }

            grid.AddRow("[bold]Added[/]", view.CreatedAt.ToLocalTime().ToString("u", System.Globalization.CultureInfo.InvariantCulture));
            grid.AddRow("[bold]Updated[/]", view.UpdatedAt.ToLocalTime().ToString("u", System.Globalization.CultureInfo.InvariantCulture));
            ctx.Console.Write(grid);
            return 0;
        });
        return command;
    }

    private static Command Update(Func<CliContext> context)
    {
        var auth = CommonOptions.AuthRef();
        var stdin = CommonOptions.ApiKeyStdin();
        var env = CommonOptions.ApiKeyEnv();
        var baseUrl = new Option<string>("--base-url") { Description = "Set the API base URL override.", HelpName = "URL" };
        var clearBaseUrl = new Option<bool>("--clear-base-url") { Description = "Remove the base URL override (use the provider's)." };
        var command = new Command("update", "Replace an auth's API key and/or change its base URL.") { auth, stdin, env, baseUrl, clearBaseUrl };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var target = CommonOptions.ParseAuth(parse.GetValue(auth)!);
            var service = ctx.Get<AuthService>();
            var newUrl = parse.GetValue(baseUrl);
            var clear = parse.GetValue(clearBaseUrl);
            var replaceKey = parse.GetValue(stdin) || parse.GetValue(env) is not null;
            if (!replaceKey && newUrl is null && !clear)
            {
                throw new Core.Errors.ValidationFailedException("options",
                    "Nothing to change: give --api-key-stdin / --api-key-env to replace the key, or --base-url / --clear-base-url.");
            }

            if (newUrl is not null && clear)
            {
                throw new Core.Errors.ValidationFailedException("base_url", "Use either --base-url or --clear-base-url, not both.");
            }

            AuthRecord record = await service.GetAsync(target, ct);
            if (replaceKey)
            {
                record = await service.ReplaceApiKeyAsync(target, ApiKeyInput.Read(ctx, parse.GetValue(stdin), parse.GetValue(env), "New API key"), ct);
            }

            if (newUrl is not null || clear)
            {
                record = await service.SetBaseUrlAsync(target, clear ? null : newUrl, ct);
            }

            ctx.Get<ModelCatalog>().Invalidate(record.Id);
            ctx.Console.MarkupLine($"[green]Updated[/] {Errors.Escape(record.Ref.ToString())}.");
            return 0;
        });
        return command;
    }

    private static Command Rename(Func<CliContext> context)
    {
        var auth = CommonOptions.AuthRef();
        var newName = new Argument<string>("new-name") { Description = $"The new name: {AuthNames.Rule}." };
        var command = new Command("rename", "Rename an auth (sessions using it follow the rename).") { auth, newName };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var record = await ctx.Get<AuthService>().RenameAsync(CommonOptions.ParseAuth(parse.GetValue(auth)!), parse.GetValue(newName)!, ct);
            ctx.Console.MarkupLine($"[green]Renamed[/] to {Errors.Escape(record.Ref.ToString())}.");
            return 0;
        });
        return command;
    }

    private static Command Remove(Func<CliContext> context)
    {
        var auth = CommonOptions.AuthRef();
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation." };
        var command = new Command("rm", "Delete an auth and its stored credentials.") { auth, yes };
        command.Aliases.Add("remove");
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var target = CommonOptions.ParseAuth(parse.GetValue(auth)!);
            var service = ctx.Get<AuthService>();
            await service.GetAsync(target, ct);
            if (!parse.GetValue(yes) && ctx.StdinIsTerminal &&
                !ctx.Console.Confirm($"Delete {Errors.Escape(target.ToString())}? Its stored credentials are erased.", defaultValue: false))
            {
                ctx.Console.MarkupLine("Kept.");
                return 1;
            }

            await service.DeleteAsync(target, ct);
            ctx.Console.MarkupLine($"[green]Deleted[/] {Errors.Escape(target.ToString())}.");
            return 0;
        });
        return command;
    }

    /// <summary>The quota in one line: "90% used; next reset in 2 h 13 min", "used up, resets in 40 min".</summary>
    private static string QuotaLine(QuotaSummaryView quota)
    {
        var now = DateTimeOffset.UtcNow;
        var used = quota.MaxUsedPercent is { } max ? $"{Core.Quota.QuotaText.Percent(max)} used" : "no windows reported";
        return quota.Status switch
        {
            "exhausted" => $"used up, resets {Core.Quota.QuotaText.ResetsIn(quota.LimitedUntil, now)}",
            "limited" => $"rate-limited, {used}; clears {Core.Quota.QuotaText.ResetsIn(quota.LimitedUntil, now)}",
            _ => quota.NextResetAt is { } next ? $"{used}; next reset {Core.Quota.QuotaText.ResetsIn(next, now)}" : used,
        };
    }

    /// <summary>The state in words (<see cref="AuthView.State"/>), coloured by status.</summary>
    private static Command Test(Func<CliContext> context)
    {
        var auth = CommonOptions.AuthRef();
        var json = CommonOptions.Json();
        var command = new Command("test", "Check that an auth works with one cheap call (its model list). A refused key shows as \"key refused\" and an unreachable base URL as \"unreachable\" in `auth list` until a call succeeds.") { auth, json };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var target = CommonOptions.ParseAuth(parse.GetValue(auth)!);
            var result = await ctx.Get<AuthTester>().TestAsync(target, ct);
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, new AuthTestView(result, AuthView.From(await ctx.Get<AuthService>().GetAsync(target, ct))));
                return result.Ok ? 0 : 3;
            }

            if (result.Ok)
            {
                ctx.Console.MarkupLine($"[green]OK[/] {Errors.Escape(target.ToString())}: {Errors.Escape(result.Message)} in {result.LatencyMs} ms.");
                return 0;
            }

            var label = result.Health switch { "key_refused" => "Key refused", "unreachable" => "Unreachable", _ => "Failed" };
            await Console.Error.WriteLineAsync($"{label}: {target}: {result.Message}");
            return 3;
        });
        return command;
    }

    internal static string StatusMarkup(AuthView auth) => auth.Status switch
    {
        "needs_relogin" => $"[red]{Errors.Escape(auth.State)}[/]",
        _ when auth.Health is "key_refused" or "unreachable" => $"[red]{Errors.Escape(auth.State)}[/]",
        "refreshing" => $"[yellow]{Errors.Escape(auth.State)}[/]",
        _ when auth.ExpiresAt is { } e && e < DateTimeOffset.UtcNow => $"[yellow]{Errors.Escape(auth.State)}[/]",
        _ => $"[green]{Errors.Escape(auth.State)}[/]",
    };
}
