using Maestro.Core.Auths;
using Maestro.Gateway.Keys;
using Maestro.Gateway.Routes;

namespace Maestro.Gateway.Directory;

/// <summary>The keys and routes as read at one moment: what every gateway request is checked against, without a query.</summary>
internal sealed class GatewaySnapshot
{
    public GatewaySnapshot(IReadOnlyList<(GatewayKey Key, byte[] Hash)> keys, IReadOnlyList<GatewayRoute> routes, IReadOnlyList<AuthRecord> auths, DateTimeOffset loadedAt)
    {
        LoadedAt = loadedAt;
        Auths = auths;
        Keys = [.. keys.Select(k => k.Key)];
        Routes = routes;
        foreach (var (key, hash) in keys)
        {
            if (!key.IsRevoked)
            {
                _byHash[KeyHash.From(hash)] = key;
            }
        }

        foreach (var route in routes)
        {
            _routes[route.Name] = route;
        }
    }

    private readonly Dictionary<KeyHash, GatewayKey> _byHash = [];
    private readonly Dictionary<string, GatewayRoute> _routes = new(StringComparer.Ordinal);

    public DateTimeOffset LoadedAt { get; }

    public IReadOnlyList<GatewayKey> Keys { get; }

    public IReadOnlyList<GatewayRoute> Routes { get; }

    /// <summary>Every auth (without secrets), for addressing by name and for finding who serves a model.</summary>
    public IReadOnlyList<AuthRecord> Auths { get; }

    public AuthRecord? Auth(AuthRef auth)
    {
        foreach (var record in Auths)
        {
            if (record.Provider == auth.Provider && record.Name == auth.Name)
            {
                return record;
            }
        }

        return null;
    }

    /// <summary>The auths a key may use: every auth for an unrestricted key, else those in its routes, in route order.</summary>
    public IReadOnlyList<AuthRecord> AuthsOf(GatewayKey key)
    {
        if (!key.Restricted)
        {
            return Auths;
        }

        var list = new List<AuthRecord>();
        foreach (var route in RoutesOf(key))
        {
            foreach (var target in route.Targets)
            {
                if (Auth(target.Auth) is { } record && !list.Contains(record))
                {
                    list.Add(record);
                }
            }
        }

        return list;
    }

    /// <summary>The live key with that hash, or null (unknown or revoked).</summary>
    public GatewayKey? Key(KeyHash hash) => _byHash.TryGetValue(hash, out var key) ? key : null;

    public GatewayKey? KeyById(Guid id)
    {
        foreach (var key in Keys)
        {
            if (key.Id == id && !key.IsRevoked)
            {
                return key;
            }
        }

        return null;
    }

    public GatewayRoute? Route(string name) => _routes.TryGetValue(name, out var route) ? route : null;

    /// <summary>The routes a key may use, in its order (every route for an unrestricted key).</summary>
    public IReadOnlyList<GatewayRoute> RoutesOf(GatewayKey key)
    {
        if (!key.Restricted)
        {
            return Routes;
        }

        var list = new List<GatewayRoute>(key.Routes.Count);
        foreach (var name in key.Routes)
        {
            if (Route(name) is { } route)
            {
                list.Add(route);
            }
        }

        return list;
    }
}
