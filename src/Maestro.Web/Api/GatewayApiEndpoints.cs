using Maestro.Gateway.Keys;
using Maestro.Gateway.Routes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Api;

/// <summary>
/// /api/gateway: the gateway's keys and routes, through the services the CLI's `maestro key` and `maestro route` use.
/// Behind the access token like every /api route (gateway keys open only /v1 and /v1beta). A key's secret is in the
/// answer to its creation and nowhere else.
/// </summary>
public static class GatewayApiEndpoints
{
    public static IEndpointRouteBuilder MapGatewayApi(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/api/gateway/keys");

        keys.MapGet("/", async (GatewayViews views, CancellationToken ct) => Results.Ok(await views.KeysAsync(ct)));

        keys.MapPost("/", async (CreateGatewayKeyRequest? request, KeyService service, CancellationToken ct) =>
        {
            if (request is null)
            {
                return ApiProblem.Validation("body", "Send a JSON object: {\"name\", \"routes\"?: [route names], \"budget_usd\"?, \"rpm\"?, \"tpm\"?}.");
            }

            var created = await service.CreateAsync(request.Name, request.Routes, request.BudgetUsd, request.Rpm, request.Tpm, ct);
            return Results.Created($"/api/gateway/keys/{Uri.EscapeDataString(created.Key.Name)}", GatewayKeyView.From(created));
        });

        keys.MapGet("/{name}", async (string name, KeyService service, CancellationToken ct) =>
            Results.Ok(GatewayKeyView.From(await service.GetViewAsync(name, ct))));

        keys.MapPost("/{name}/revoke", async (string name, KeyService service, CancellationToken ct) =>
        {
            await service.RevokeAsync(name, ct);
            return Results.Ok(GatewayKeyView.From(await service.GetViewAsync(name, ct)));
        });

        keys.MapGet("/{name}/usage", async (string name, DateTimeOffset? since, KeyService service, CancellationToken ct) =>
            Results.Ok(await service.UsageAsync(name, since, ct)));

        var routes = app.MapGroup("/api/gateway/routes");

        routes.MapGet("/", async (GatewayViews views, CancellationToken ct) => Results.Ok(await views.RoutesAsync(ct)));

        routes.MapPost("/", async (GatewayRouteRequest? request, RouteService service, GatewayViews views, CancellationToken ct) =>
        {
            if (request is null)
            {
                return ApiProblem.Validation("body", "Send a JSON object: {\"name\", \"targets\": [\"provider/auth/model\", …]} (targets in the order the pool prefers them).");
            }

            var route = await service.AddAsync(request.Name, request.Targets, ct);
            return Results.Created($"/api/gateway/routes/{Uri.EscapeDataString(route.Name)}", await views.RouteAsync(route, ct));
        });

        routes.MapGet("/{name}", async (string name, GatewayViews views, CancellationToken ct) => Results.Ok(await views.RouteAsync(name, ct)));

        routes.MapPatch("/{name}", async (string name, GatewayRouteRequest? request, RouteService service, GatewayViews views, CancellationToken ct) =>
        {
            if (request is null || (request.Name is null && request.Targets is null))
            {
                return ApiProblem.Validation("body", "Send at least one of name, targets (the whole new list, in order).");
            }

            var route = await service.UpdateAsync(name, request.Name, request.Targets, ct);
            return Results.Ok(await views.RouteAsync(route, ct));
        });

        routes.MapDelete("/{name}", async (string name, RouteService service, CancellationToken ct) =>
        {
            await service.RemoveAsync(name, ct);
            return Results.NoContent();
        });

        return app;
    }
}
