using System.Collections.Concurrent;
using Maestro.Core.Auths;
using Maestro.Core.Providers;

namespace Maestro.Core.Models;

/// <summary>
/// Live model lists, cached per auth for <see cref="ModelCatalogOptions.Ttl"/> (a failure for <see cref="FailureTtl"/>);
/// a forced refresh always asks the provider. Concurrent callers for the same auth share one request.
/// </summary>
public sealed class ModelCatalog(ProviderConnections connections, ProviderRegistry registry, TimeProvider time, ModelCatalogOptions options)
{
    /// <summary>How long a failed fetch answers for the auth (a down provider is not asked again on every form post).</summary>
    public static readonly TimeSpan FailureTtl = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<Guid, Lazy<Task<ModelList>>> _cache = new();
    private readonly ConcurrentDictionary<Guid, (DateTimeOffset At, Exception Error)> _failures = new();

    public async Task<ModelList> GetAsync(AuthRef auth, bool refresh, CancellationToken cancellationToken)
    {
        var (provider, connection) = await connections.ConnectAsync(auth, cancellationToken);
        return await GetAsync(provider, connection, refresh, cancellationToken);
    }

    /// <summary>The same for a caller that holds the auth's connection already (a running turn): no auth read.</summary>
    public async Task<ModelList> GetAsync(IProvider provider, ProviderConnection connection, bool refresh, CancellationToken cancellationToken)
    {
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

        if (!refresh && _failures.TryGetValue(key, out var failure) && time.GetUtcNow() - failure.At < FailureTtl)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure.Error);
        }

        var fetch = new Lazy<Task<ModelList>>(() => FetchAsync(provider, connection, cancellationToken));
        _cache[key] = fetch;
        try
        {
            var list = await fetch.Value;
            _failures.TryRemove(key, out _);
            return list;
        }
        catch (Exception ex) when (ex is Errors.MaestroException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            _cache.TryRemove(new KeyValuePair<Guid, Lazy<Task<ModelList>>>(key, fetch));
            _failures[key] = (time.GetUtcNow(), ex);
            throw;
        }
        catch
        {
            _cache.TryRemove(new KeyValuePair<Guid, Lazy<Task<ModelList>>>(key, fetch));
            throw;
        }
    }

    /// <summary>Forgets an auth's list (after its key or base URL changed).</summary>
    public void Invalidate(Guid authId)
    {
        _cache.TryRemove(authId, out _);
        _failures.TryRemove(authId, out _);
    }

    /// <summary>
    /// What is known about <paramref name="model"/> for this auth: its live-list entry (an alias resolves to its newest
    /// dated snapshot), with limits and capabilities the list leaves out filled from the provider's maintained table;
    /// the table alone when the list is unavailable or lacks the model; null when neither knows it.
    /// </summary>
    public async Task<ModelInfo?> DescribeAsync(AuthRef auth, string model, CancellationToken cancellationToken)
    {
        try
        {
            var (provider, connection) = await connections.ConnectAsync(auth, cancellationToken);
            return await DescribeAsync(provider, connection, model, cancellationToken);
        }
        catch (Exception ex) when (ex is Errors.MaestroException or HttpRequestException)
        {
            // The list is only a hint here; a provider that cannot list models can still chat.
        }

        return registry.TryGet(auth.Provider, out var known) ? known.DescribeModel(model) : null;
    }

    /// <summary>The same for a caller that holds the auth's connection already (a running turn, once per round).</summary>
    public async Task<ModelInfo?> DescribeAsync(IProvider provider, ProviderConnection connection, string model, CancellationToken cancellationToken)
    {
        try
        {
            var list = await GetAsync(provider, connection, refresh: false, cancellationToken);
            if (ModelResolution.Find(list.Models, model) is { } listed)
            {
                return listed;
            }
        }
        catch (Exception ex) when (ex is Errors.MaestroException or HttpRequestException)
        {
            // The list is only a hint here; a provider that cannot list models can still chat.
        }

        return provider.DescribeModel(model);
    }

    private async Task<ModelList> FetchAsync(IProvider provider, ProviderConnection connection, CancellationToken cancellationToken)
    {
        var models = await provider.ListModelsAsync(connection, cancellationToken);
        var filled = new List<ModelInfo>(models.Count);
        foreach (var m in models)
        {
            filled.Add(Fill(provider, m));
        }

        return new ModelList(connection.Auth.Ref, filled, time.GetUtcNow(), FromCache: false);
    }

    // Live lists often leave out limits (Anthropic's, OpenAI's): the provider's table fills what it knows.
    private static ModelInfo Fill(IProvider provider, ModelInfo model)
    {
        if (model.ContextWindow is not null && model.MaxOutputTokens is not null && model.Capabilities is not null)
        {
            return model;
        }

        return provider.DescribeModel(model.Id) is { } known
            ? model with
            {
                ContextWindow = model.ContextWindow ?? known.ContextWindow,
                MaxOutputTokens = model.MaxOutputTokens ?? known.MaxOutputTokens,
                Capabilities = model.Capabilities ?? known.Capabilities,
            }
            : model;
    }
}

public sealed record ModelList(AuthRef Auth, IReadOnlyList<ModelInfo> Models, DateTimeOffset FetchedAt, bool FromCache);

public sealed class ModelCatalogOptions
{
    /// <summary>MAESTRO_MODELS_TTL (seconds), default one hour.</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromHours(1);
}
