using System.Collections.Concurrent;
using Maestro.Core.Auths;
using Maestro.Core.Providers;

namespace Maestro.Core.Models;

/// <summary>
/// Live model lists, cached per auth for <see cref="ModelCatalogOptions.Ttl"/>; a forced refresh always asks the
/// provider. Concurrent callers for the same auth share one request.
/// </summary>
public sealed class ModelCatalog(ProviderConnections connections, TimeProvider time, ModelCatalogOptions options)
{
    private readonly ConcurrentDictionary<Guid, Lazy<Task<ModelList>>> _cache = new();

    public async Task<ModelList> GetAsync(AuthRef auth, bool refresh, CancellationToken cancellationToken)
    {
        var (provider, connection) = await connections.ConnectAsync(auth, cancellationToken);
        var key = connection.Auth.Id;
        if (!refresh && _cache.TryGetValue(key, out var cached))
        {
            try
            {
                var list = await cached.Value;
                if (time.GetUtcNow() - list.FetchedAt < options.Ttl)
                {
                    return list with { FromCache = true };
                }
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // A failed fetch is not cached; fall through and ask again.
            }
        }

        var fetch = new Lazy<Task<ModelList>>(() => FetchAsync(provider, connection, cancellationToken));
        _cache[key] = fetch;
        try
        {
            return await fetch.Value;
        }
        catch
        {
            _cache.TryRemove(new KeyValuePair<Guid, Lazy<Task<ModelList>>>(key, fetch));
            throw;
        }
    }

    /// <summary>Forgets an auth's list (after its key or base URL changed).</summary>
    public void Invalidate(Guid authId) => _cache.TryRemove(authId, out _);

    private async Task<ModelList> FetchAsync(IProvider provider, ProviderConnection connection, CancellationToken cancellationToken)
    {
        var models = await provider.ListModelsAsync(connection, cancellationToken);
        return new ModelList(connection.Auth.Ref, models, time.GetUtcNow(), FromCache: false);
    }
}

public sealed record ModelList(AuthRef Auth, IReadOnlyList<ModelInfo> Models, DateTimeOffset FetchedAt, bool FromCache);

public sealed class ModelCatalogOptions
{
    /// <summary>MAESTRO_MODELS_TTL (seconds), default one hour.</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromHours(1);
}
