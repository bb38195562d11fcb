using System.Text;
using Maestro.Core.Errors;
using Maestro.Gateway.Keys;
using Maestro.Gateway.Routes;
using Maestro.Web.Api;
using Maestro.Web.Components.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Ui;

/// <summary>
/// The Gateway page's fragments: create and revoke keys, a key's usage, add, edit and delete routes — through KeyService
/// and RouteService, like the REST API and the CLI, with the same messages beside the fields.
/// </summary>
public static class GatewayUiEndpoints
{
    public static RouteGroupBuilder MapGatewayUi(this RouteGroupBuilder ui)
    {
        var gateway = ui.MapGroup("/gateway");

        gateway.MapPost("/keys", async (IFormCollection form, HttpContext http, KeyService keys, GatewayViews views, FragmentRenderer renderer, CancellationToken ct) =>
        {
            var values = GatewayKeyFormValues.From(form);
            var baseUrl = BaseUrl(http);
            try
            {
                var errors = new FieldErrors();
                var (budget, rpm, tpm) = (values.BudgetUsd(errors), values.RequestsPerMinute(errors), values.TokensPerMinute(errors));
                errors.ThrowIfAny();
                var created = await keys.CreateAsync(values.Name, values.Routes, budget, rpm, tpm, ct);
                var overview = await views.OverviewAsync(ct);
                // The secret is in this answer and nowhere else: no cache may keep it.
                http.Response.Headers.CacheControl = "no-store";
                var html = new StringBuilder(await renderer.RenderAsync<GatewayKeyForm>(new Dictionary<string, object?>
                {
                    ["Routes"] = RouteNames(overview),
                    ["BaseUrl"] = baseUrl,
                    ["Model"] = ExampleModel(overview),
                    ["Created"] = GatewayKeyView.From(created),
                }));
                await AppendTablesAsync(html, renderer, overview, routeChoices: false);
                return (IResult)ChatEndpoints.Html(html.ToString());
            }
            catch (Exception ex) when (UiErrors.IsUserError(ex))
            {
                var overview = await views.OverviewAsync(ct);
                return new RazorComponentResult<GatewayKeyForm>(new
                {
                    Routes = RouteNames(overview),
                    BaseUrl = baseUrl,
                    Model = ExampleModel(overview),
                    Errors = UiErrors.Fields(ex),
                    Values = values.Values,
                    Selected = values.Routes,
                });
            }
        });

        gateway.MapPost("/keys/{name}/revoke", async (string name, KeyService keys, GatewayViews views, FragmentRenderer renderer, CancellationToken ct) =>
        {
            IReadOnlyDictionary<string, string[]>? errors = null;
            try
            {
                await keys.RevokeAsync(name, ct);
            }
            catch (Exception ex) when (UiErrors.IsUserError(ex))
            {
                // Revoked in another tab or from the CLI meanwhile, or never there: say so above the current list.
                errors = new Dictionary<string, string[]> { ["keys"] = [UiErrors.Line(ex)] };
            }

            var overview = await views.OverviewAsync(ct);
            var html = new StringBuilder(await renderer.RenderAsync<GatewayKeyTable>(new Dictionary<string, object?> { ["Keys"] = overview.Keys, ["Errors"] = errors }));
            html.Append(await renderer.RenderAsync<GatewayRouteTable>(new Dictionary<string, object?> { ["Routes"] = overview.Routes, ["Oob"] = true }));
            return ChatEndpoints.Html(html.ToString());
        });

        gateway.MapGet("/keys/{name}/usage", async (string name, KeyService keys, CancellationToken ct) =>
            new RazorComponentResult<GatewayKeyUsage>(new { Report = await keys.UsageAsync(name, null, ct) }));

        gateway.MapGet("/routes/new", async (GatewayViews views, CancellationToken ct) =>
            new RazorComponentResult<GatewayRouteForm>(new { Auths = AuthRefs(await views.OverviewAsync(ct)) }));

        gateway.MapGet("/routes/{name}/edit", async (string name, RouteService routes, GatewayViews views, CancellationToken ct) =>
        {
            var route = await routes.GetAsync(name, ct);
            return new RazorComponentResult<GatewayRouteForm>(new
            {
                Auths = AuthRefs(await views.OverviewAsync(ct)),
                Editing = route.Name,
                Values = new Dictionary<string, string> { ["name"] = route.Name, ["targets"] = string.Join('\n', route.Targets) },
            });
        });

        gateway.MapPost("/routes", (IFormCollection form, RouteService routes, GatewayViews views, FragmentRenderer renderer, CancellationToken ct) =>
            SaveRouteAsync(null, form, routes, views, renderer, ct));

        gateway.MapPost("/routes/{name}", (string name, IFormCollection form, RouteService routes, GatewayViews views, FragmentRenderer renderer, CancellationToken ct) =>
            SaveRouteAsync(name, form, routes, views, renderer, ct));

        gateway.MapDelete("/routes/{name}", async (string name, RouteService routes, GatewayViews views, FragmentRenderer renderer, CancellationToken ct) =>
        {
            IReadOnlyDictionary<string, string[]>? errors = null;
            try
            {
                await routes.RemoveAsync(name, ct);
            }
            catch (NotFoundException)
            {
                // Deleted elsewhere already.
            }
            catch (Exception ex) when (UiErrors.IsUserError(ex))
            {
                errors = new Dictionary<string, string[]> { ["routes"] = [UiErrors.Line(ex)] };
            }

            var overview = await views.OverviewAsync(ct);
            var html = new StringBuilder(await renderer.RenderAsync<GatewayRouteTable>(new Dictionary<string, object?> { ["Routes"] = overview.Routes, ["Errors"] = errors }));
            html.Append(await renderer.RenderAsync<GatewayAuthTable>(new Dictionary<string, object?> { ["Auths"] = overview.Auths, ["Oob"] = true }));
            html.Append(await renderer.RenderAsync<GatewayRouteChoices>(new Dictionary<string, object?> { ["Routes"] = RouteNames(overview), ["Oob"] = true }));
            return ChatEndpoints.Html(html.ToString());
        });

        return ui;
    }

    /// <summary>Adds a route (<paramref name="editing"/> null) or saves one; the answer is the form, then the tables it changed.</summary>
    private static async Task<IResult> SaveRouteAsync(
        string? editing, IFormCollection form, RouteService routes, GatewayViews views, FragmentRenderer renderer, CancellationToken ct)
    {
        var name = form["name"].ToString().Trim();
        var targetText = form["targets"].ToString();
        var targets = targetText.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        try
        {
            var route = editing is null
                ? await routes.AddAsync(name, targets, ct)
                : await routes.UpdateAsync(editing, name.Length == 0 ? null : name, targets, ct);
            var overview = await views.OverviewAsync(ct);
            var html = new StringBuilder(await renderer.RenderAsync<GatewayRouteForm>(new Dictionary<string, object?>
            {
                ["Auths"] = AuthRefs(overview),
                ["Saved"] = editing is null ? $"Added {route.Name}." : $"Saved {route.Name}.",
            }));
            await AppendTablesAsync(html, renderer, overview, routeChoices: true);
            return ChatEndpoints.Html(html.ToString());
        }
        catch (Exception ex) when (UiErrors.IsUserError(ex))
        {
            var overview = await views.OverviewAsync(ct);
            return new RazorComponentResult<GatewayRouteForm>(new
            {
                Auths = AuthRefs(overview),
                Editing = editing,
                Errors = UiErrors.Fields(ex),
                Values = new Dictionary<string, string> { ["name"] = name, ["targets"] = targetText },
            });
        }
    }

    /// <summary>The key, route and auth tables (and the key form's route choices) as out-of-band swaps.</summary>
    private static async Task AppendTablesAsync(StringBuilder html, FragmentRenderer renderer, GatewayOverview overview, bool routeChoices)
    {
        html.Append(await renderer.RenderAsync<GatewayKeyTable>(new Dictionary<string, object?> { ["Keys"] = overview.Keys, ["Oob"] = true }));
        html.Append(await renderer.RenderAsync<GatewayRouteTable>(new Dictionary<string, object?> { ["Routes"] = overview.Routes, ["Oob"] = true }));
        html.Append(await renderer.RenderAsync<GatewayAuthTable>(new Dictionary<string, object?> { ["Auths"] = overview.Auths, ["Oob"] = true }));
        if (routeChoices)
        {
            html.Append(await renderer.RenderAsync<GatewayRouteChoices>(new Dictionary<string, object?> { ["Routes"] = RouteNames(overview), ["Oob"] = true }));
        }
    }

    /// <summary>Where this browser reached Maestro (the scheme and host a trusted proxy forwarded, when there is one).</summary>
    private static string BaseUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";

    private static IReadOnlyList<string> RouteNames(GatewayOverview overview) => [.. overview.Routes.Select(r => r.Name)];

    private static IReadOnlyList<string> AuthRefs(GatewayOverview overview) => [.. overview.Auths.Select(a => a.Auth.Ref)];

    private static string ExampleModel(GatewayOverview overview) => GatewaySnippets.ExampleModel(RouteNames(overview), AuthRefs(overview));
}
