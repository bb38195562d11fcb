using System.CommandLine;
using System.Globalization;
using Maestro.Cli.Output;
using Maestro.Core.Models;
using Maestro.Core.Usage;
using Maestro.Web.Api;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>`maestro models provider/name`: the auth's live model list.</summary>
public static class ModelsCommand
{
    public static Command Create(Func<CliContext> context)
    {
        var auth = CommonOptions.AuthRef();
        var json = CommonOptions.Json();
        var refresh = new Option<bool>("--refresh") { Description = "Ask the provider again instead of using the cached list." };
        var command = new Command("models", "List the models an auth can use, from the provider's live list.") { auth, json, refresh };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var list = await ctx.Get<ModelCatalog>().GetAsync(CommonOptions.ParseAuth(parse.GetValue(auth)!), parse.GetValue(refresh), ct);
            await ctx.Get<Core.Settings.PriceSettings>().EnsureFreshAsync(ct);
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, ModelListView.From(list, ctx.Get<PriceTable>()));
                return 0;
            }

            var prices = ctx.Get<PriceTable>();
            var table = new Table().Border(TableBorder.Rounded).AddColumns("Model", "Name", "Context", "Max output", "Price in / out", "Created");
            foreach (var m in list.Models)
            {
                var price = prices.Find(list.Auth.Provider, m.Id)?.Price;
                table.AddRow(
                    Errors.Escape(m.Id),
                    Errors.Escape(m.DisplayName ?? ""),
                    m.ContextWindow?.ToString("N0", CultureInfo.InvariantCulture) ?? "",
                    m.MaxOutputTokens?.ToString("N0", CultureInfo.InvariantCulture) ?? "",
                    price is null ? "" : Errors.Escape(PriceText.InputOutput(price)),
                    m.CreatedAt?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "");
            }

            ctx.Console.Write(table);
            ctx.Console.MarkupLine($"[grey]{list.Models.Count} models from {Errors.Escape(list.Auth.ToString())}{(list.FromCache ? ", cached" : "")}.[/]");
            return 0;
        });
        return command;
    }
}
