using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Demo;

/// <summary>"Try it offline" from the API (<c>POST /api/demo</c>) and from the dashboard (<c>POST /ui/demo</c>).</summary>
public static class DemoEndpoints
{
    public static IEndpointRouteBuilder MapDemoApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/demo", async (OfflineDemo demo, CancellationToken ct) =>
        {
            var setup = await demo.StartAsync(ct);
            return Results.Ok(new { auth = setup.Auth, session = setup.Session, emulator_url = setup.EmulatorUrl.ToString() });
        });
        return app;
    }

    public static RouteGroupBuilder MapDemoUi(this RouteGroupBuilder ui)
    {
        ui.MapPost("/demo", async (HttpContext http, OfflineDemo demo, CancellationToken ct) =>
        {
            var setup = await demo.StartAsync(ct);
            http.Response.Headers["HX-Redirect"] = $"/sessions/{Uri.EscapeDataString(setup.Session)}";
            return Results.Text("", "text/html");
        });
        return ui;
    }
}
