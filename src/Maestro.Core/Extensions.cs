using Maestro.Core.Auths;
using Maestro.Core.Configuration;
using Maestro.Core.Models;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Maestro.Core;

public static class Extensions
{
    /// <summary>The application services shared by the CLI and the web host.</summary>
    public static IServiceCollection AddMaestroCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ProviderRegistry>();
        services.AddSingleton<AuthService>();
        services.TryAddSingleton<ICredentialSourceFactory, StoredCredentialSourceFactory>();
        services.AddSingleton<ProviderConnections>();
        services.AddSingleton(new ModelCatalogOptions { Ttl = configuration.GetSeconds("MAESTRO_MODELS_TTL", TimeSpan.FromHours(1)) });
        services.AddSingleton<ModelCatalog>();

        services.AddSingleton(new ProviderRuntimeOptions
        {
            MaxRetries = configuration.GetInt("MAESTRO_PROVIDER_MAX_RETRIES", 3, min: 0, max: 10),
            RetryBaseDelay = TimeSpan.FromMilliseconds(configuration.GetInt("MAESTRO_PROVIDER_RETRY_DELAY_MS", 500, min: 0)),
            StreamIdleTimeout = configuration.GetSeconds("MAESTRO_STREAM_IDLE_TIMEOUT", TimeSpan.FromMinutes(5)),
            LogUnknownEvents = configuration.GetFlag("STREAM_LOG_UNKNOWN_EVENTS"),
            CircuitBreaker = configuration.GetFlag("MAESTRO_CIRCUIT_BREAKER", defaultValue: true),
        });
        services.AddSingleton<ProviderRuntime>();

        var http = services.AddHttpClient(ProviderConnections.HttpClientName, client =>
        {
            // Streams are bounded by the idle timeout instead; this only bounds waiting for response headers.
            client.Timeout = TimeSpan.FromMinutes(10);
        });
        if (configuration.GetFlag("HTTP_DEBUG"))
        {
            services.AddTransient<HttpDebugHandler>();
            http.AddHttpMessageHandler<HttpDebugHandler>();
        }

        return services;
    }
}
