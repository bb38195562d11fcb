using System.CommandLine;
using System.Globalization;
using Maestro.Cli.Output;
using Maestro.Core.Settings;
using Maestro.Core.Usage;
using Maestro.Web.Api;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>`maestro prices ...`: the prices costs are counted with (the built-in table, the price file, the saved ones).</summary>
public static class PriceCommands
{
    public static Command Create(Func<CliContext> context)
    {
        var prices = new Command("prices", "Show and override the prices costs are counted with (US$ per million tokens). Saved prices win over MAESTRO_PRICES and the built-in table, on every instance.");
        prices.Aliases.Add("price");
        prices.Subcommands.Add(List(context));
        prices.Subcommands.Add(Set(context));
        prices.Subcommands.Add(Remove(context));
        return prices;
    }

    private static Command List(Func<CliContext> context)
    {
        var all = new Option<bool>("--built-in") { Description = "Also list the built-in table of every provider." };
        var json = CommonOptions.Json();
        var command = new Command("list", "The saved prices and the price file's (with --built-in, the built-in table too).") { all, json };
        command.Aliases.Add("ls");
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            await ctx.Get<PriceSettings>().LoadAsync(ct);
            var table = ctx.Get<PriceTable>();
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, PricesView.From(table));
                return 0;
            }

            var grid = new Table().Border(TableBorder.Rounded).AddColumns("Model", "Source", "Input", "Output", "Cached input", "Cache write", "Reasoning", "Long context");
            Add(grid, table.Overrides, "saved");
            Add(grid, table.FileEntries, "price file");
            if (parse.GetValue(all))
            {
                foreach (var (provider, list) in table.BuiltIn.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    Add(grid, list.Models.ToDictionary(m => $"{provider}/{m.Key}", m => m.Value), "built-in " + list.Checked.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                }
            }

            ctx.Console.Write(grid);
            if (parse.GetValue(all))
            {
                foreach (var (provider, list) in table.BuiltIn.Where(p => p.Value.Models.Count > 0).OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    ctx.Console.MarkupLine($"[grey]{Errors.Escape(provider)}: checked {list.Checked.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} against {Errors.Escape(list.Source)}[/]");
                }
            }

            ctx.Console.MarkupLine("[grey]US$ per million tokens; a long-context price bills the whole call once its prompt is above the size shown. The built-in table covers the providers' current models (--built-in lists it, with where and when each list was checked).[/]");
            return 0;
        });
        return command;
    }

    private static Command Set(Func<CliContext> context)
    {
        var model = new Argument<string>("model") { Description = "A model id (its dated snapshots too) or provider/model." };
        var input = new Option<decimal>("--input") { Description = "US$ per million input tokens.", Required = true, HelpName = "USD" };
        var output = new Option<decimal>("--output") { Description = "US$ per million output tokens.", Required = true, HelpName = "USD" };
        var cached = new Option<decimal?>("--cached-input") { Description = "US$ per million input tokens read from the cache (default: the input price).", HelpName = "USD" };
        var write = new Option<decimal?>("--cache-write") { Description = "US$ per million input tokens written to the cache (default: the input price).", HelpName = "USD" };
        var reasoning = new Option<decimal?>("--reasoning") { Description = "US$ per million reasoning tokens (default: the output price).", HelpName = "USD" };
        var above = new Option<long?>("--long-context-above")
        {
            Description = "Calls whose prompt is above this many input tokens are billed whole at the --long-* prices (Gemini Pro: 200000).",
            HelpName = "TOKENS",
        };
        var longInput = new Option<decimal?>("--long-input") { Description = "US$ per million input tokens above the threshold.", HelpName = "USD" };
        var longOutput = new Option<decimal?>("--long-output") { Description = "US$ per million output tokens above the threshold.", HelpName = "USD" };
        var longCached = new Option<decimal?>("--long-cached-input") { Description = "US$ per million cache reads above the threshold (default: --long-input).", HelpName = "USD" };
        var command = new Command("set", "Save a price. Example: maestro prices set claude-sonnet-4-5 --input 3 --output 15 --cached-input 0.3 --cache-write 3.75; " +
                                         "with a long-context tier: maestro prices set gemini/gemini-2.5-pro --input 1.25 --output 10 --long-context-above 200000 --long-input 2.5 --long-output 15")
        {
            model, input, output, cached, write, reasoning, above, longInput, longOutput, longCached,
        };
        command.Validators.Add(result =>
        {
            var given = result.GetValue(above) is not null;
            if (given != (result.GetValue(longInput) is not null) || given != (result.GetValue(longOutput) is not null))
            {
                result.AddError("A long-context tier needs --long-context-above, --long-input and --long-output together.");
            }
            else if (!given && result.GetValue(longCached) is not null)
            {
                result.AddError("--long-cached-input needs --long-context-above, --long-input and --long-output.");
            }
        });
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var name = parse.GetValue(model)!;
            var tier = parse.GetValue(above) is { } threshold
                ? new LongContextPrice(threshold, parse.GetValue(longInput)!.Value, parse.GetValue(longOutput)!.Value, parse.GetValue(longCached))
                : null;
            await ctx.Get<PriceSettings>().SetAsync(name, new ModelPrice(parse.GetValue(input), parse.GetValue(output),
                parse.GetValue(cached), parse.GetValue(write), parse.GetValue(reasoning), tier), ct);
            ctx.Console.MarkupLine($"[green]Saved[/] the price of {Errors.Escape(name)}.");
            return 0;
        });
        return command;
    }

    private static Command Remove(Func<CliContext> context)
    {
        var model = new Argument<string>("model") { Description = "The model (or provider/model) whose saved price to remove." };
        var command = new Command("rm", "Remove a saved price (the price file's or the built-in one applies again).") { model };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var name = parse.GetValue(model)!;
            await ctx.Get<PriceSettings>().SetAsync(name, null, ct);
            ctx.Console.MarkupLine($"[green]Removed[/] the saved price of {Errors.Escape(name)}.");
            return 0;
        });
        return command;
    }

    private static void Add(Table grid, IReadOnlyDictionary<string, ModelPrice> prices, string source)
    {
        foreach (var (model, price) in prices.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            grid.AddRow(Errors.Escape(model), Errors.Escape(source), Usd(price.Input), Usd(price.Output), Usd(price.CachedInput), Usd(price.CacheWrite), Usd(price.Reasoning),
                Errors.Escape(PriceText.LongContext(price)));
        }
    }

    private static string Usd(decimal? value) => value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "";
}
