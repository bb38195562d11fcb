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
        // Open to everyone (load balancers, monitors), but only a signed-in caller sees more than the status: the
        // version, uptime and the database's location are nobody else's business.
        app.MapGet("/health", async (HttpContext http, MaestroDatabase database, CancellationToken cancellationToken) =>
        {
            var db = await database.CheckHealthAsync(cancellationToken);
            var status = db.Status == "ok" ? "ok" : "degraded";
            var code = db.Status == "ok" ? 200 : 503;
            if (http.User.Identity?.IsAuthenticated != true)
            {
                return Results.Json(new OpenHealthView(status), statusCode: code);
            }

            var body = new HealthView(status, Version, (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds, db);
            return Results.Json(body, statusCode: code);
        }).AllowAnonymous();
        return app;
    }

    public sealed record OpenHealthView(string Status);

    public sealed record HealthView(string Status, string Version, double UptimeSeconds, DatabaseHealth Database);
}
