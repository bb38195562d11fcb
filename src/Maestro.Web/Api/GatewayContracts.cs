using System.Text.Json.Serialization;
using Maestro.Gateway.Keys;
using Maestro.Gateway.Routes;

namespace Maestro.Web.Api;

/// <summary>
/// A gateway key as the API and the Gateway page show it: never the secret, except <see cref="Key"/> in the answer to
/// its creation (shown once; only a hash is kept).
/// </summary>
public sealed record GatewayKeyView(
    string Name,
    string Hint,
    string State,
    bool Restricted,
    IReadOnlyList<string> Routes,
    decimal? BudgetUsd,
    int? Rpm,
    int? Tpm,
    long RequestsThisMonth,
    decimal SpentThisMonthUsd,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Key = null)
{
    [JsonIgnore]
    public bool IsRevoked => RevokedAt is not null;

    public static GatewayKeyView From(KeyView view) => From(view.Key, view.RequestsThisMonth, view.SpentThisMonthUsd);

    public static GatewayKeyView From(CreatedKey created) => From(created.Key, 0, 0) with { Key = created.Secret };

    private static GatewayKeyView From(GatewayKey key, long requests, decimal spent) => new(
        key.Name, key.Hint, key.IsRevoked ? "revoked" : "active", key.Restricted, key.Routes, key.BudgetUsd, key.Rpm, key.Tpm,
        requests, spent, key.CreatedAt, key.RevokedAt, key.LastUsedAt);
}

/// <summary>One target of a route, with the state of its auth (a pool skips an auth that needs a new login).</summary>
/// <param name="Target">provider/auth/model, as the CLI and the request body write it.</param>
/// <param name="AuthStatus">active, refreshing or needs_relogin.</param>
public sealed record RouteTargetView(string Target, string Provider, string Auth, string Model, string AuthStatus, string AuthState);

/// <param name="Keys">The keys limited to this route (such a route cannot be removed while they are live).</param>
public sealed record GatewayRouteView(string Name, IReadOnlyList<RouteTargetView> Targets, IReadOnlyList<string> Keys, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>POST /api/gateway/keys. Without routes the key may use every route and auth.</summary>
public sealed record CreateGatewayKeyRequest(string? Name, IReadOnlyList<string>? Routes, decimal? BudgetUsd, int? Rpm, int? Tpm);

/// <summary>POST /api/gateway/routes: targets as provider/auth/model, in the order the pool prefers them.</summary>
public sealed record GatewayRouteRequest(string? Name, IReadOnlyList<string>? Targets);

/// <summary>The Gateway page's data.</summary>
public sealed record GatewayOverview(IReadOnlyList<GatewayKeyView> Keys, IReadOnlyList<GatewayRouteView> Routes, IReadOnlyList<GatewayAuthView> Auths);

/// <summary>An auth as the Gateway page lists it: its state and the routes that use it.</summary>
public sealed record GatewayAuthView(AuthView Auth, IReadOnlyList<string> Routes, AuthQuotaView Quota);
