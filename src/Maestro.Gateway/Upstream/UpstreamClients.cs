using System.Collections.Concurrent;
using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Maestro.Core.Providers.Pipeline;
using Microsoft.Extensions.Logging;

namespace Maestro.Gateway.Upstream;

/// <summary>
/// The gateway's one way to an auth: <see cref="ConnectAsync"/> gives an <see cref="Upstream"/> (chat client and raw
/// sends with the auth's credentials). Stored auths are cached for a few seconds so a busy gateway does not read and
/// decrypt an auth per request; OAuth credential sources refresh themselves, and a 401 refreshes once.
/// </summary>
/// <remarks>
/// A pool member other than the last is connected without retries: on a limit the pool fails over at once instead of
/// waiting on that auth. The last (or only) target retries transient failures like any provider call.
/// </remarks>
public sealed class UpstreamClients
{
    private readonly AuthService _auths;
    private readonly ProviderConnections _connections;
    private readonly ProviderRuntime _retrying;
    private readonly ProviderRuntime _failFast;
    private readonly ChatPipeline _pipeline;
    private readonly TimeProvider _time;
    private readonly TimeSpan _ttl;
    private readonly ConcurrentDictionary<(AuthRef Auth, bool Retries), CachedUpstream> _cache = new();

    public UpstreamClients(
        AuthService auths, ProviderConnections connections, ProviderRuntime runtime, ChatPipeline pipeline, TimeProvider time, ILoggerFactory loggers, GatewayOptions options)
    {
        _pipeline = pipeline;
        _auths = auths;
        _connections = connections;
        _retrying = runtime;
        _failFast = new ProviderRuntime(
            new ProviderRuntimeOptions
            {
                MaxRetries = 0,
                StreamIdleTimeout = runtime.Options.StreamIdleTimeout,
                LogUnknownEvents = runtime.Options.LogUnknownEvents,
                KeepRawEvents = runtime.Options.KeepRawEvents,
                CircuitBreaker = runtime.Options.CircuitBreaker,
            },
            time,
            loggers);
        _time = time;
        _ttl = options.AuthCacheTtl;
    }

    /// <param name="retries">Retry transient failures on this auth (the last target of a pool) or fail fast.</param>
    /// <exception cref="Core.Errors.MaestroException">The auth is gone, needs a new login, or its provider is not configured.</exception>
    internal async Task<Upstream> ConnectAsync(AuthRef auth, bool retries, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue((auth, retries), out var cached) && cached.Expires > now)
        {
            return cached.Upstream;
        }

        var stored = await _auths.GetWithCredentialsAsync(auth, cancellationToken);
        var (provider, connection) = _connections.Connect(stored);
        if (!retries)
        {
            connection = new ProviderConnection(connection.Auth, connection.Credentials, connection.Http, connection.BaseUrl, _failFast);
        }

        var upstream = new Upstream(provider, connection, _pipeline);
        _cache[(auth, retries)] = new CachedUpstream(upstream, now + _ttl);
        return upstream;
    }

    /// <summary>Forgets an auth (after it was changed or failed to authenticate), so the next request reads it again.</summary>
    public void Forget(AuthRef auth)
    {
        _cache.TryRemove((auth, true), out _);
        _cache.TryRemove((auth, false), out _);
    }

    private sealed record CachedUpstream(Upstream Upstream, DateTimeOffset Expires);
}
