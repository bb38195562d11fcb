using System.CommandLine;
using Maestro.Cli.Output;
using Maestro.Gateway.Routes;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>`maestro route ...`: names gateway clients use as a model, each an ordered pool of provider/auth/model targets.</summary>
public static class RouteCommands
{
    public static Command Create(Func<CliContext> context)
    {
        var route = new Command("route", """
            Manage gateway routes: a name clients send as the model (e.g. "fast"), served by an ordered list of
            provider/auth/model targets. Requests spread over the targets (the least recently limited first) and fail
            over to the next on a 429, an exhausted quota, an auth needing a new login or a 5xx, before the first byte.
            """);

        var name = new Argument<string>("name") { Description = "The route's name (" + RouteService.NameRule + ")." };
        var to = new Option<string[]>("--to")
        {
            Description = "A target as provider/auth/model (e.g. anthropic/work/claude-haiku-4-5); repeat for a pool, in order of preference.",
            HelpName = "TARGET",
            AllowMultipleArgumentsPerToken = false,
        };
        var add = new Command("add", "Create a route: maestro route add fast --to anthropic/work/claude-haiku-4-5 --to openai/personal/gpt-5-mini") { name, to };
        add.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var created = await ctx.Get<RouteService>().AddAsync(parse.GetValue(name), parse.GetValue(to), ct);
            ctx.Console.MarkupLine($"[green]Added[/] route {Markup.Escape(created.Name)} → {Markup.Escape(string.Join(", ", created.Targets))}.");
            return 0;
        });

        var editName = new Argument<string>("name") { Description = "The route's name." };
        var editTo = new Option<string[]>("--to")
        {
            Description = "The route's new targets as provider/auth/model, in order; repeat for each (replaces the whole list).",
            HelpName = "TARGET",
            AllowMultipleArgumentsPerToken = false,
        };
        var rename = new Option<string?>("--rename") { Description = "A new name for the route (keys limited to it keep it).", HelpName = "NAME" };
        var edit = new Command("edit", "Change a route's targets or name: maestro route edit fast --to openai/personal/gpt-5-mini --to anthropic/work/claude-haiku-4-5")
        {
            editName, editTo, rename,
        };
        edit.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var targets = parse.GetValue(editTo) is { Length: > 0 } given ? given : null;
            var updated = await ctx.Get<RouteService>().UpdateAsync(parse.GetValue(editName)!, parse.GetValue(rename), targets, ct);
            ctx.Console.MarkupLine($"[green]Saved[/] route {Markup.Escape(updated.Name)} → {Markup.Escape(string.Join(", ", updated.Targets))}.");
            return 0;
        });

        var json = CommonOptions.Json();
        var list = new Command("list", "List routes and their targets.") { json };
        list.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var routes = await ctx.Get<RouteService>().ListAsync(ct);
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, routes.Select(r => new { r.Name, Targets = r.Targets.Select(t => t.ToString()), r.CreatedAt }));
                return 0;
            }

            if (routes.Count == 0)
            {
                ctx.Console.MarkupLine("No routes yet. Create one with [bold]maestro route add NAME --to provider/auth/model[/].");
                return 0;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("Route", "Targets (in order)");
            foreach (var r in routes)
            {
                table.AddRow(Markup.Escape(r.Name), Markup.Escape(string.Join("\n", r.Targets)));
            }

            ctx.Console.Write(table);
            return 0;
        });

        var rmName = new Argument<string>("name") { Description = "The route's name." };
        var rm = new Command("rm", "Delete a route (keys restricted to it can no longer use it).") { rmName };
        rm.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            await ctx.Get<RouteService>().RemoveAsync(parse.GetValue(rmName)!, ct);
            ctx.Console.MarkupLine($"[green]Deleted[/] route {Markup.Escape(parse.GetValue(rmName)!)}.");
            return 0;
        });

        route.Subcommands.Add(add);
        route.Subcommands.Add(edit);
        route.Subcommands.Add(list);
        route.Subcommands.Add(rm);
        return route;
    }
}
