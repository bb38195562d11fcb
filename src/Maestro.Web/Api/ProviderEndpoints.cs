using Maestro.Core.Providers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Api;

public static class ProviderEndpoints
{
    public static IEndpointRouteBuilder MapProviderApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/providers", (ProviderRegistry registry) =>
            Results.Ok(registry.All.Select(p => ProviderView.From(p.Descriptor))));
        return app;
    }
}
