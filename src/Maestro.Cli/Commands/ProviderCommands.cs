using System.CommandLine;
using Maestro.Cli.Output;
using Maestro.Core.Errors;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Saved;
using Maestro.Web.Api;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>
/// `maestro providers`: the providers Maestro can use; `add`, `edit` and `rm` manage the OpenAI-compatible ones saved in
/// the database (those declared in MAESTRO_COMPAT_PROVIDERS or providers.json are changed where they are declared).
/// </summary>
public static class ProviderCommands
{
    public static Command Create(Func<CliContext> context)
    {
        var json = CommonOptions.Json();
        var command = new Command("providers", """
            List the providers Maestro can use, with their auth types, capabilities and source (built-in, settings,
            MAESTRO_COMPAT_PROVIDERS or providers.json). add/edit/rm manage OpenAI-compatible providers saved in the
            database: every instance on it uses them at once, without a restart.
            """) { json };
        command.Aliases.Add("provider");
        command.SetAction(parse =>
        {
            var ctx = context();
            var providers = ctx.Get<ProviderRegistry>().All.Select(p => ProviderView.From(p.Descriptor)).ToList();
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, providers);
                return 0;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("Id", "Name", "Auth types", "Capabilities", "Base URL", "Source");
            foreach (var p in providers)
            {
                table.AddRow(p.Id, Errors.Escape(p.DisplayName), string.Join(", ", p.AuthTypes), string.Join(", ", p.Features), Errors.Escape(p.BaseUrl),
                    Errors.Escape(p.Source));
            }

            ctx.Console.Write(table);
            return 0;
        });
        command.Subcommands.Add(Add(context));
        command.Subcommands.Add(Edit(context));
        command.Subcommands.Add(Remove(context));
        return command;
    }

    private static Command Add(Func<CliContext> context)
    {
        var id = IdArgument("An id for the new provider: 2-40 of a-z, 0-9, '-' and '_', starting with a letter. Auths are then named ID/NAME.");
        var options = new DeclarationOptions(baseUrlRequired: true);
        var json = CommonOptions.Json();
        var command = new Command("add", """
            Save an OpenAI-compatible provider (any server speaking Chat Completions). Examples:
              maestro providers add ollama --base-url http://localhost:11434/v1 --no-key --default-model llama3.1
              maestro providers add openrouter --base-url https://openrouter.ai/api/v1 --name OpenRouter
            Then add an auth for it: maestro auth add ID NAME --api-key-stdin (or with no key for --no-key providers).
            """) { id, json };
        options.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var fields = options.Fields(parse);
            fields["id"] = parse.GetValue(id);
            var added = await WithOptionNames(() => ctx.Get<SavedProviders>().AddAsync(fields, ct));
            Print(ctx, parse.GetValue(json), added, $"[green]Added[/] {Errors.Escape(added.Declaration.Id)} ({Errors.Escape(added.Declaration.BaseUrl)}). " +
                $"Next: {Errors.Escape(Invocation.Name)} auth add {Errors.Escape(added.Declaration.Id)} NAME{(added.Declaration.ApiKeyRequired ? " --api-key-stdin" : "")}");
            return 0;
        });
        return command;
    }

    private static Command Edit(Func<CliContext> context)
    {
        var id = IdArgument("The saved provider to change.");
        var options = new DeclarationOptions(baseUrlRequired: false);
        var json = CommonOptions.Json();
        var command = new Command("edit", """
            Change a saved OpenAI-compatible provider: only the options given change; an empty value ("") puts a setting
            back to its default. The next call of its auths uses the new settings, in every running Maestro.
            Example: maestro providers edit ollama --base-url http://gpu-box:11434/v1
            """) { id, json };
        options.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var changes = options.Fields(parse);
            if (changes.Count == 0)
            {
                throw new ValidationFailedException("options", "Nothing to change: give at least one option, e.g. --base-url URL (see --help).");
            }

            var updated = await WithOptionNames(() => ctx.Get<SavedProviders>().UpdateAsync(parse.GetValue(id)!, changes, ct));
            Print(ctx, parse.GetValue(json), updated, $"[green]Saved[/] {Errors.Escape(updated.Declaration.Id)} ({Errors.Escape(updated.Declaration.BaseUrl)}).");
            return 0;
        });
        return command;
    }

    private static Command Remove(Func<CliContext> context)
    {
        var id = IdArgument("The saved provider to remove.");
        var command = new Command("rm", "Remove a saved OpenAI-compatible provider. Refused while auths of it exist: they are listed, to remove first (maestro auth rm ID/NAME).") { id };
        command.Aliases.Add("remove");
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            await ctx.Get<SavedProviders>().RemoveAsync(parse.GetValue(id)!, ct);
            ctx.Console.MarkupLine($"[green]Removed[/] {Errors.Escape(parse.GetValue(id)!)}.");
            return 0;
        });
        return command;
    }

    private static Argument<string> IdArgument(string description) => new("id") { Description = description };

    private static void Print(CliContext ctx, bool json, DeclaredProvider provider, string markup)
    {
        if (json)
        {
            Json.Write(ctx.Stdout, DeclaredProviderView.From(provider));
        }
        else
        {
            ctx.Console.MarkupLine(markup);
        }
    }

    /// <summary>Field errors name the command line's options (--base-url), not the API's fields (base_url).</summary>
    private static async Task<T> WithOptionNames<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (ValidationFailedException ex)
        {
            throw new ValidationFailedException(ex.Errors.ToDictionary(
                e => e.Key == "id" ? "ID" : DeclarationOptions.OptionFor(e.Key), e => e.Value, StringComparer.Ordinal));
        }
    }
}
