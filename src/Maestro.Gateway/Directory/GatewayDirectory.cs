using Maestro.Core.Auths;
using Maestro.Gateway.Keys;
using Maestro.Gateway.Routes;
using Microsoft.Extensions.Logging;

namespace Maestro.Gateway.Directory;

/// <summary>
/// Keeps the keys, routes and auths (without secrets) in memory, read again every <see cref="GatewayOptions.ConfigCacheTtl"/> (so other instances'
/// changes arrive) and at once after a change made here. A stale snapshot keeps serving while the next one loads.
/// </summary>
public sealed class GatewayDirectory(IGatewayKeyStore keys, IGatewayRouteStore routes, IAuthStore auths, TimeProvider time, GatewayOptions options, ILogger<GatewayDirectory> logger) : IDisposable
{
    private static readonly TimeSpan MissRefreshInterval = TimeSpan.FromMilliseconds(100);

    private readonly SemaphoreSlim _loading = new(1, 1);
    private GatewaySnapshot? _snapshot;
    private int _refreshing;

    internal async ValueTask<GatewaySnapshot> GetAsync(CancellationToken cancellationToken)
    {
        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot is null)
        {
            return await LoadAsync(cancellationToken);
        }

        if (time.GetUtcNow() - snapshot.LoadedAt > options.ConfigCacheTtl && Interlocked.Exchange(ref _refreshing, 1) == 0)
        {
            _ = Task.Run(RefreshAsync, CancellationToken.None);
        }

        return snapshot;
    }

    /// <summary>
    /// After a lookup in <paramref name="seen"/> missed (an unknown key, model or auth): a newer snapshot when one can be
    /// had — something created a moment ago in another process, or by the CLI — else null. At most ten reads a second,
    /// so unknown keys cannot make every request query the database.
    /// </summary>
    internal async ValueTask<GatewaySnapshot?> RefreshAfterMissAsync(GatewaySnapshot seen, CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _snapshot);
        if (current is not null && current.LoadedAt > seen.LoadedAt)
        {
            return current;
        }

        if (time.GetUtcNow() - seen.LoadedAt < MissRefreshInterval)
        {
            return null;
        }

        var fresh = await LoadAsync(cancellationToken);
        return fresh.LoadedAt > seen.LoadedAt ? fresh : null;
    }

    /// <summary>Reads keys and routes again now (after this process changed them).</summary>
    internal Task<GatewaySnapshot> ReloadAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public void Dispose() => _loading.Dispose();

    private async Task RefreshAsync()
    {
        try
        {
            await LoadAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Gateway: reading keys and routes failed; the last ones read stay in use.");
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    private async Task<GatewaySnapshot> LoadAsync(CancellationToken cancellationToken)
    {
        var requested = time.GetUtcNow();
        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (Volatile.Read(ref _snapshot) is { } loaded && loaded.LoadedAt >= requested)
            {
                // Read by someone else while this caller waited: fresh enough.
                return loaded;
            }

            var started = time.GetUtcNow();
            var snapshot = new GatewaySnapshot(
                await keys.ListAsync(cancellationToken), await routes.ListAsync(cancellationToken), await auths.ListAsync(null, cancellationToken), started);
            Volatile.Write(ref _snapshot, snapshot);
            return snapshot;
        }
        finally
        {
            _loading.Release();
        }
    }
}
