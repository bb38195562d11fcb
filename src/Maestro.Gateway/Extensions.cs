using Maestro.Gateway.Addressing;
using Maestro.Gateway.Directory;
using Maestro.Gateway.Endpoints;
using Maestro.Gateway.Events;
using Maestro.Gateway.Keys;
using Maestro.Gateway.Limits;
using Maestro.Gateway.Routes;
using Maestro.Gateway.Upstream;
using Maestro.Gateway.Usage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Gateway;

public static class Extensions
{
    /// <summary>The gateway's services: keys, routes, the request path, usage recording (a hosted service when there is a host).</summary>
    public static IServiceCollection AddMaestroGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(GatewayOptions.From(configuration));
        services.AddSingleton<IGatewayKeyStore, PostgresGatewayKeyStore>();
        services.AddSingleton<IGatewayRouteStore, PostgresGatewayRouteStore>();
        services.AddSingleton<IGatewayUsageStore, PostgresGatewayUsageStore>();
        services.AddSingleton<GatewayDirectory>();
        services.AddSingleton<GatewayEvents>();
        services.AddSingleton<ModelIndex>();
        services.AddSingleton<TargetResolver>();
        services.AddSingleton<UpstreamClients>();
        services.AddSingleton<UsageRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<UsageRecorder>());
        services.AddSingleton<KeyLimits>();
        services.AddSingleton<GatewayHandler>();
        services.AddSingleton<ModelListing>();
        services.AddSingleton<KeyService>();
        services.AddSingleton<RouteService>();
        return services;
    }
}
