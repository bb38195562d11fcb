using System.Collections.Concurrent;
using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Models;

namespace Maestro.Gateway.Addressing;

/// <summary>
/// Which auths serve a model, from their live model lists (fetched through the model catalog and kept for its TTL;
/// an auth whose list cannot be read counts as serving nothing for a minute). A listed dated snapshot also answers
/// for its alias (<c>claude-haiku-4-5</c> for <c>claude-haiku-4-5-20251001</c>).
/// </summary>
public sealed class ModelIndex(ModelCatalog catalog, ModelCatalogOptions catalogOptions, TimeProvider time)
{
    private static readonly TimeSpan FailureTtl = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<Guid, Lazy<Task<Models>>> _models = new();

    public async Task<bool> ServesAsync(AuthRecord auth, string model, CancellationToken cancellationToken)
    {
        var models = await ModelsAsync(auth, cancellationToken);
        if (models.Ids.Contains(model))
        {
            return true;
        }

        foreach (var id in models.Ids)
        {
            if (id.Length > model.Length + 1 && id.StartsWith(model, StringComparison.Ordinal) && id[model.Length] == '-' && char.IsAsciiDigit(id[model.Length + 1]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The models an auth lists (empty when its list cannot be read).</summary>
    public async Task<IReadOnlyCollection<string>> ListAsync(AuthRecord auth, CancellationToken cancellationToken) =>
        (await ModelsAsync(auth, cancellationToken)).Ids;

    private async Task<Models> ModelsAsync(AuthRecord auth, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_models.TryGetValue(auth.Id, out var cached))
        {
            var models = await cached.Value.WaitAsync(cancellationToken);
            if (now < models.Expires)
            {
                return models;
            }

            _models.TryRemove(new KeyValuePair<Guid, Lazy<Task<Models>>>(auth.Id, cached));
        }

        var fetch = _models.GetOrAdd(auth.Id, _ => new Lazy<Task<Models>>(() => FetchAsync(auth.Ref)));
        return await fetch.Value.WaitAsync(cancellationToken);
    }

    private async Task<Models> FetchAsync(AuthRef auth)
    {
        try
        {
            var list = await catalog.GetAsync(auth, refresh: false, CancellationToken.None);
            return new Models(list.Models.Select(m => m.Id).ToHashSet(StringComparer.Ordinal), time.GetUtcNow() + catalogOptions.Ttl);
        }
        catch (MaestroException)
        {
            return new Models([], time.GetUtcNow() + FailureTtl);
        }
    }

    private sealed record Models(HashSet<string> Ids, DateTimeOffset Expires);
}
