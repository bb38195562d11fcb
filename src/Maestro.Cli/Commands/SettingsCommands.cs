using System.CommandLine;
using Maestro.Cli.Output;
using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Providers;
using Maestro.Core.Settings;
using Maestro.Core.Tools;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>
/// `maestro settings ...`: the Settings page's defaults for new sessions (auth, model, tools, approval policy) from the
/// terminal, saved and checked by the same <see cref="SessionDefaultsSettings"/> as the page and PUT /api/settings/defaults.
/// </summary>
public static class SettingsCommands
{
    private static readonly string[] Keys = ["auth", "model", "tools", "approve"];

    private const string KeyHelp = "auth (provider/name), model (a model id of that auth), tools (built-in tool names, all or none), approve (allow, ask or deny)";

    public static Command Create(Func<CliContext> context)
    {
        var json = CommonOptions.Json();
        var settings = new Command("settings", $"""
            Show and change the defaults for new sessions (the Settings page's): what `session create`, `chat` and the web
            form use for what they leave out. Keys: {KeyHelp}. Saved values win over the built-in defaults.
            """)
        { json };
        settings.Aliases.Add("setting");
        settings.SetAction((parse, ct) => ShowAsync(context(), null, parse.GetValue(json), ct));
        settings.Subcommands.Add(Get(context));
        settings.Subcommands.Add(Set(context));
        settings.Subcommands.Add(Unset(context));
        return settings;
    }

    private static Command Get(Func<CliContext> context)
    {
        var key = new Argument<string?>("key") { Description = "One setting: auth, model, tools or approve (default: all).", Arity = ArgumentArity.ZeroOrOne };
        var json = CommonOptions.Json();
        var command = new Command("get", "Show the defaults for new sessions and where each comes from (saved, or built in).") { key, json };
        command.Aliases.Add("show");
        command.SetAction((parse, ct) => ShowAsync(context(), parse.GetValue(key), parse.GetValue(json), ct));
        return command;
    }

    private static Command Set(Func<CliContext> context)
    {
        var key = new Argument<string>("key") { Description = "auth, model, tools or approve." };
        var value = new Argument<string[]>("value")
        {
            Description = "The new value: provider/name for auth; a model id; tool names (space- or comma-separated, or all, or none); allow, ask or deny.",
            Arity = ArgumentArity.OneOrMore,
        };
        var force = new Option<bool>("--force-model") { Description = "Keep a model the auth does not list (proxies, gateways, new releases)." };
        var command = new Command("set", """
            Save one default for new sessions; it is checked like the Settings page checks it and nothing is saved if it is wrong.
            Examples: maestro settings set auth anthropic/work · maestro settings set model claude-sonnet-4-5 ·
            maestro settings set tools read_file,list_dir,grep · maestro settings set approve ask
            """)
        {
            key, value, force,
        };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var name = KeyOf(parse.GetValue(key));
            var values = parse.GetValue(value) ?? [];
            var store = ctx.Get<SessionDefaultsSettings>();
            var current = await store.GetAsync(ct);
            string? dropped = null;
            SessionDefaults wanted;
            switch (name)
            {
                case "auth":
                    var auth = One(name, values);
                    // A model id belongs to its provider: moving to another provider's auth drops it rather than fail on it.
                    if (current.Model is { } model && current.Auth is { } before && Provider(before) != Provider(auth))
                    {
                        dropped = model;
                    }

                    wanted = current with { Auth = auth, Model = dropped is null ? current.Model : null };
                    break;
                case "model":
                    wanted = current with { Model = One(name, values) };
                    break;
                case "tools":
                    wanted = current with { Tools = Tools(values) };
                    break;
                default:
                    wanted = current with { Approve = One(name, values).ToLowerInvariant() };
                    break;
            }

            // The model is checked when it or the auth changes; otherwise it stands as it was saved (maybe forced then).
            var forceModel = parse.GetValue(force) || name is "tools" or "approve";
            var saved = await store.SetAsync(wanted, forceModel, ct);
            ctx.Console.MarkupLine($"[green]Saved[/] {name}: {Markup.Escape(Describe(name, saved))}.");
            if (dropped is not null)
            {
                ctx.Console.MarkupLine($"[yellow]Removed[/] the default model {Markup.Escape(dropped)}: it belongs to another provider (new sessions get the provider's default; set model to choose one).");
            }

            return 0;
        });
        return command;
    }

    private static Command Unset(Func<CliContext> context)
    {
        var key = new Argument<string>("key") { Description = "auth, model, tools or approve." };
        var command = new Command("unset", "Remove a saved default: the built-in one applies again (unsetting auth also unsets model).") { key };
        command.Aliases.Add("reset");
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var name = KeyOf(parse.GetValue(key));
            var store = ctx.Get<SessionDefaultsSettings>();
            var current = await store.GetAsync(ct);
            var alsoModel = name == "auth" && current.Model is not null;
            var wanted = name switch
            {
                "auth" => current with { Auth = null, Model = null },
                "model" => current with { Model = null },
                "tools" => current with { Tools = null },
                _ => current with { Approve = null },
            };
            await store.SetAsync(wanted, forceModel: true, ct);
            ctx.Console.MarkupLine(alsoModel
                ? "[green]Removed[/] the saved auth and model: the built-in defaults apply."
                : $"[green]Removed[/] the saved {name}: the built-in default applies.");
            return 0;
        });
        return command;
    }

    private static async Task<int> ShowAsync(CliContext ctx, string? key, bool json, CancellationToken ct)
    {
        var only = key is null ? null : KeyOf(key);
        var defaults = await ctx.Get<SessionDefaultsSettings>().GetAsync(ct);
        var tools = ctx.Get<IBuiltInTools>().Definitions.Select(d => d.Name).ToList();
        var entries = new List<SettingView>
        {
            defaults.Auth is { } auth
                ? new SettingView("auth", auth, "saved", await ExistsAsync(ctx, auth, ct)
                    ? "new sessions use this auth when they name none"
                    : "this auth no longer exists: set another, or unset auth")
                : new SettingView("auth", null, "built-in", "none: `session create` needs --auth, the web form picks the first auth"),
            defaults.Model is { } model
                ? new SettingView("model", model, "saved", $"used with {defaults.Auth} when a session names no model")
                : new SettingView("model", await ProviderDefaultAsync(ctx, defaults.Auth, ct), "built-in", "the provider's default model for the auth"),
            defaults.Tools is { } chosen
                ? new SettingView("tools", chosen, "saved", chosen.Count == 0 ? "no built-in tools" : $"{chosen.Count} of the {tools.Count} built-in tools")
                : new SettingView("tools", tools, "built-in", $"all {tools.Count} built-in tools"),
            defaults.Approve is { } approve
                ? new SettingView("approve", approve, "saved", Policy(approve))
                : new SettingView("approve", null, "built-in", "read-only tools run, tools that change things ask"),
        };
        if (only is not null)
        {
            entries = [.. entries.Where(e => e.Key == only)];
        }

        if (json)
        {
            if (only is not null)
            {
                Json.Write(ctx.Stdout, entries[0]);
            }
            else
            {
                Json.Write(ctx.Stdout, entries);
            }

            return 0;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumns("Setting", "Value", "Source", "Meaning");
        foreach (var e in entries)
        {
            table.AddRow(e.Key, Markup.Escape(Text(e.Value)), e.Source == "saved" ? "[green]saved[/]" : "[grey]built-in[/]", Markup.Escape(e.Meaning));
        }

        ctx.Console.Write(table);
        if (only is null)
        {
            ctx.Console.MarkupLine($"[grey]Change one with {Markup.Escape(Invocation.Name)} settings set KEY VALUE; unset KEY returns to the built-in default.[/]");
        }

        return 0;
    }

    private static async Task<bool> ExistsAsync(CliContext ctx, string auth, CancellationToken ct)
    {
        try
        {
            await ctx.Get<AuthService>().GetAsync(AuthRef.Parse(auth), ct);
            return true;
        }
        catch (MaestroException)
        {
            return false;
        }
    }

    /// <summary>What a session on this auth gets without a saved model (no network: the provider's documented default).</summary>
    private static async Task<string?> ProviderDefaultAsync(CliContext ctx, string? auth, CancellationToken ct)
    {
        if (auth is null)
        {
            return null;
        }

        try
        {
            var record = await ctx.Get<AuthService>().GetAsync(AuthRef.Parse(auth), ct);
            return ctx.Get<ProviderRegistry>().TryGet(record.Provider, out var provider) ? provider.DefaultModelFor(record) : null;
        }
        catch (MaestroException)
        {
            return null;
        }
    }

    private static string KeyOf(string? key)
    {
        var name = key?.Trim().ToLowerInvariant() switch
        {
            "policy" or "approval" => "approve",
            "tool" => "tools",
            var k => k,
        };
        return Keys.Contains(name)
            ? name!
            : throw new ValidationFailedException("key", $"'{key}' is not a setting: use {KeyHelp}.");
    }

    private static string One(string key, string[] values) => values.Length == 1
        ? values[0]
        : throw new ValidationFailedException(key, $"{key} takes one value, got {values.Length} ({string.Join(" ", values)}).");

    /// <summary>"all" (null: every built-in tool, new ones too), "none" (an empty list), or names split on commas and spaces.</summary>
    private static List<string>? Tools(string[] values)
    {
        var names = values.SelectMany(v => v.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal).ToList();
        return names switch
        {
            ["all"] => null,
            ["none"] => [],
            _ when names.Count == 0 => throw new ValidationFailedException("tools", "Name the built-in tools, or all, or none."),
            _ => names,
        };
    }

    private static string Provider(string auth) => auth.Split('/', 2)[0];

    private static string Describe(string key, SessionDefaults saved) => key switch
    {
        "auth" => saved.Auth ?? "",
        "model" => saved.Model ?? "",
        "tools" => saved.Tools is null ? "all built-in tools" : saved.Tools.Count == 0 ? "none" : string.Join(", ", saved.Tools),
        _ => $"{saved.Approve} ({Policy(saved.Approve)})",
    };

    private static string Policy(string? approve) => approve switch
    {
        "allow" => "every tool runs without asking",
        "ask" => "every tool call asks first",
        "deny" => "every tool call is refused",
        _ => "read-only tools run, tools that change things ask",
    };

    private static string Text(object? value) => value switch
    {
        null => "-",
        IEnumerable<string> list => list.Any() ? string.Join(", ", list) : "none",
        _ => value.ToString() ?? "",
    };

    /// <param name="Value">The value in effect: the saved one, or the built-in one where there is one (null: none).</param>
    /// <param name="Source">saved or built-in.</param>
    /// <param name="Meaning">What it means for a new session, in words.</param>
    private sealed record SettingView(string Key, object? Value, string Source, string Meaning);
}
