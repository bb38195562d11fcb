using Maestro.Core.Auths;
using Maestro.Core.Quota;
using Maestro.Gateway.Keys;
using Maestro.Gateway.Routes;

namespace Maestro.Web.Api;

/// <summary>Keys and routes with what they are shown with (this month's use, each target's auth state, each auth's quota), for the API and the Gateway page.</summary>
public sealed class GatewayViews(KeyService keys, RouteService routes, AuthService auths, IAuthLimits limits, TimeProvider time)
{
    public async Task<IReadOnlyList<GatewayKeyView>> KeysAsync(CancellationToken cancellationToken) =>
        [.. (await keys.ListAsync(cancellationToken)).Select(GatewayKeyView.From)];

    public async Task<IReadOnlyList<GatewayRouteView>> RoutesAsync(CancellationToken cancellationToken) =>
        (await OverviewAsync(cancellationToken)).Routes;

    public async Task<GatewayRouteView> RouteAsync(string name, CancellationToken cancellationToken)
    {
        var route = await routes.GetAsync(name, cancellationToken);
        return Route(route, await auths.ListAsync(null, cancellationToken), await KeysAsync(cancellationToken));
    }

    public async Task<GatewayRouteView> RouteAsync(GatewayRoute route, CancellationToken cancellationToken) =>
        Route(route, await auths.ListAsync(null, cancellationToken), await KeysAsync(cancellationToken));

    /// <summary>Everything the Gateway page shows, read once.</summary>
    public async Task<GatewayOverview> OverviewAsync(CancellationToken cancellationToken)
    {
        var keyViews = await KeysAsync(cancellationToken);
        var authList = await auths.ListAsync(null, cancellationToken);
        var routeViews = (await routes.ListAsync(cancellationToken)).Select(r => Route(r, authList, keyViews)).ToList();
        var now = time.GetUtcNow();
        var authViews = authList.Select(a => new GatewayAuthView(
            AuthView.From(a),
            [.. routeViews.Where(r => r.Targets.Any(t => t.Provider == a.Provider && t.Auth == a.Name)).Select(r => r.Name)],
            AuthQuotaView.From(a, limits.Get(a.Id), now))).ToList();
        return new GatewayOverview(keyViews, routeViews, authViews);
    }

    private static GatewayRouteView Route(GatewayRoute route, IReadOnlyList<AuthRecord> authList, IReadOnlyList<GatewayKeyView> keyViews) => new(
        route.Name,
        [.. route.Targets.Select(t =>
        {
            var auth = authList.FirstOrDefault(a => a.Id == t.AuthId);
            return new RouteTargetView(
                t.ToString(), t.Auth.Provider, t.Auth.Name, t.Model,
                auth?.Status.ToWire() ?? "deleted", auth is null ? "deleted" : Core.OAuth.AuthStateText.Describe(auth, DateTimeOffset.UtcNow));
        })],
        [.. keyViews.Where(k => !k.IsRevoked && k.Routes.Contains(route.Name)).Select(k => k.Name)],
        route.CreatedAt,
        route.UpdatedAt);
}
