using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.Providers.Http;

/// <summary>
/// The handlers every provider request goes through, outermost first: the auth's health (its final outcome) → resilience (retries before the first byte,
/// the circuit breaker per provider and auth) → typed errors → credentials (signing, one refresh and one retry after
/// a 401) → the HTTP_DEBUG log (only when enabled) → the HTTP version (only when it is not 1.1) → whatever is added after them → the network. A handler appended
/// with <c>AddHttpMessageHandler</c> to the <see cref="ProviderConnections.HttpClientName"/> client sees every
/// attempt's response (rate-limit headers, say).
/// </summary>
public static class ProviderHttpHandlers
{
    public static IReadOnlyList<DelegatingHandler> Create(ProviderRuntime runtime, bool httpDebug)
    {
        var handlers = new List<DelegatingHandler>(5);
        if (runtime.Health is { } health)
        {
            handlers.Add(new AuthHealthHandler(health));
        }

        handlers.AddRange(
        [
            runtime.Resilience.CreateHandler(),
            new ProviderErrorHandler(runtime.Time),
            new CredentialsHandler(),
        ]);
        if (httpDebug)
        {
            handlers.Add(new HttpDebugHandler(runtime.LoggerFactory.CreateLogger<HttpDebugHandler>()));
        }

        if (runtime.Options.HttpVersion != System.Net.HttpVersion.Version11)
        {
            handlers.Add(new HttpVersionHandler(runtime.Options.HttpVersion));
        }

        return handlers;
    }

    /// <summary>The handlers over <paramref name="primary"/>, for a client built without the factory (tests, benchmarks).</summary>
    public static HttpMessageHandler Over(HttpMessageHandler primary, ProviderRuntime runtime, bool httpDebug = false)
    {
        var handler = primary;
        var handlers = Create(runtime, httpDebug);
        for (var i = handlers.Count - 1; i >= 0; i--)
        {
            handlers[i].InnerHandler = handler;
            handler = handlers[i];
        }

        return handler;
    }

    /// <summary>Adds the provider handlers to a named client (the app's <see cref="ProviderConnections.HttpClientName"/>).</summary>
    public static IHttpClientBuilder AddProviderHandlers(this IHttpClientBuilder builder, bool httpDebug) =>
        builder.ConfigureAdditionalHttpMessageHandlers((handlers, services) =>
        {
            var ours = Create(services.GetRequiredService<ProviderRuntime>(), httpDebug);
            for (var i = 0; i < ours.Count; i++)
            {
                // Before anything configured earlier for this client, so the order above holds.
                handlers.Insert(i, ours[i]);
            }
        });
}
