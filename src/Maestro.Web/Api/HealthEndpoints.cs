using System.Diagnostics;
using System.Reflection;
using Maestro.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Api;

public static class HealthEndpoints
{
    private static readonly string Version =
        typeof(HealthEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "dev";

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", async (MaestroDatabase database, CancellationToken cancellationToken) =>
        {
            var db = await database.CheckHealthAsync(cancellationToken);
            var body = new HealthView(db.Status == "ok" ? "ok" : "degraded", Version,
                (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds, db);
            return Results.Json(body, statusCode: db.Status == "ok" ? 200 : 503);
        });
        return app;
    }

    public sealed record HealthView(string Status, string Version, double UptimeSeconds, DatabaseHealth Database);
}
